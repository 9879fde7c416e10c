using Atoll.Engine.Connections;
using Atoll.Engine.Execution;
using System.Text;
using SQLitePCL;

namespace Atoll.Engine.Sandbox;

/// <summary>
/// SQLite authorizer that applies D1's sandbox at prepare time: no ATTACH/DETACH, no TEMP objects,
/// no transaction control, the PRAGMA allowlist, no <c>_cf_</c> names, only FTS5/R*Tree virtual tables
/// and no functions that reveal the build.
/// </summary>
/// <remarks>One per connection. <see cref="Trusted"/> lifts it for the engine's own statements.</remarks>
internal sealed class Authorizer
{
    internal const string TransactionDenied =
        "not authorized to use BEGIN, COMMIT, ROLLBACK or SAVEPOINT: each request, and each batch(), already runs as one " +
        "atomic transaction; group statements with batch() instead";

    // SQLite action codes (sqlite3.h).
    const int CreateIndex = 1, CreateTable = 2, CreateTempIndex = 3, CreateTempTable = 4, CreateTempTrigger = 5,
        CreateTempView = 6, CreateTrigger = 7, CreateView = 8, Delete = 9, DropIndex = 10, DropTable = 11,
        DropTempIndex = 12, DropTempTable = 13, DropTempTrigger = 14, DropTempView = 15, DropTrigger = 16,
        DropView = 17, Insert = 18, Pragma = 19, Read = 20, Select = 21, Transaction = 22, Update = 23, Attach = 24,
        Detach = 25, AlterTable = 26, Reindex = 27, Analyze = 28, CreateVtable = 29, DropVtable = 30,
        Function = 31, Savepoint = 32, Recursive = 33;

    static readonly HashSet<string> DeniedFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "sqlite_version", "sqlite_source_id", "sqlite_compileoption_used", "sqlite_compileoption_get",
        "load_extension", "sqlite_offset", "fts3_tokenizer",
    };

    static readonly HashSet<string> AllowedModules = new(StringComparer.OrdinalIgnoreCase)
    {
        "fts5", "fts5vocab", "rtree", "rtree_i32",
    };

    // Eponymous virtual tables that expose raw pages or the build: off limits whatever the statement.
    static readonly byte[][] DeniedTables = ["dbstat"u8.ToArray(), "sqlite_dbpage"u8.ToArray(), "sqlite_dbdata"u8.ToArray(),
        "sqlite_dbptr"u8.ToArray(), "sqlite_stmt"u8.ToArray()];

    readonly delegate_authorizer _callback;

    public Authorizer() => _callback = Authorize;

    /// <summary>While true, every action is allowed (the engine's own BEGIN/COMMIT and bookkeeping).</summary>
    public bool Trusted { get; set; }

    /// <summary>While true (a read-only token's request), anything that would write or change a setting is denied.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>Why the last denial happened, when D1's bare "not authorized" would not say enough.</summary>
    public string? LastDenial { get; private set; }

    /// <summary>True once a PRAGMA that changes a setting was allowed (its table-valued form included): the request must reset them.</summary>
    public bool SettingsChanged { get; private set; }

    /// <summary>True once an ALTER TABLE was allowed: SQLite does not tell the authorizer the new name, so it is checked after.</summary>
    public bool SchemaRenamed { get; private set; }

    /// <summary>Counts the flags raised so far, so a caller can tell whether one prepare raised any.</summary>
    public int Flags { get; private set; }

    public void Install(sqlite3 db) => raw.sqlite3_set_authorizer(db, _callback, null);

    /// <summary>Forgets the last request's denial and flags.</summary>
    public void ClearDenial()
    {
        LastDenial = null;
        SettingsChanged = false;
        SchemaRenamed = false;
    }

    int Authorize(object userData, int action, utf8z arg1, utf8z arg2, utf8z database, utf8z trigger)
    {
        if (Trusted) return raw.SQLITE_OK;
        if (ReadOnly && Writes(action, arg1, arg2)) return Deny(ErrorFactory.ReadOnlyToken);
        // Nothing may live in the temp schema: TEMP keywords arrive as their own actions, qualified names (temp.x) as the schema.
        if (IsTemp(database) && !TempActionAllowed(action, arg1)) return raw.SQLITE_DENY;
        switch (action)
        {
            case Attach or Detach:
                return raw.SQLITE_DENY;
            case CreateTempIndex or CreateTempTable or CreateTempTrigger or CreateTempView
                or DropTempIndex or DropTempTable or DropTempTrigger or DropTempView:
                return raw.SQLITE_DENY;
            case Transaction or Savepoint:
                return Deny(TransactionDenied);
            case Pragma:
            {
                if (!Utf8.Span(database).IsEmpty && !IsMain(database)) return raw.SQLITE_DENY;
                var name = arg1.utf8_to_string();
                var argument = Utf8.IsNull(arg2) ? null : arg2.utf8_to_string();
                if (!PragmaAllowlist.IsAllowed(name, argument)) return raw.SQLITE_DENY;
                if (argument is not null && PragmaAllowlist.Settings.Contains(name)) { SettingsChanged = true; Flags++; }
                return raw.SQLITE_OK;
            }
            case Function:
                return DeniedFunctions.Contains(arg2.utf8_to_string()) ? raw.SQLITE_DENY : raw.SQLITE_OK;
            case CreateVtable:
                return AllowedModules.Contains(arg2.utf8_to_string()) && !IsReserved(arg1) ? raw.SQLITE_OK : raw.SQLITE_DENY;
            case CreateIndex or CreateTrigger:
                // arg1 is the index/trigger name, arg2 the table.
                return IsReserved(arg1) || IsReserved(arg2) ? raw.SQLITE_DENY : raw.SQLITE_OK;
            case AlterTable:
                // arg1 is the schema, arg2 the table; the new name is not passed, so it is checked once the statement ran.
                if (IsReserved(arg2)) return raw.SQLITE_DENY;
                SchemaRenamed = true;
                Flags++;
                return raw.SQLITE_OK;
            case Read or Insert or Update or Delete when IsDeniedTable(arg1):
                return raw.SQLITE_DENY;
            case CreateTable or CreateView or DropTable or DropView or DropIndex or DropTrigger or Delete or Insert
                or Update or Read or Reindex or Analyze or DropVtable:
                // Reads of sqlite_master rows naming _cf_ tables are fine; the tables themselves are off limits.
                return IsReserved(arg1) ? raw.SQLITE_DENY : raw.SQLITE_OK;
            default:
                return raw.SQLITE_OK;
        }
    }

    int Deny(string reason)
    {
        LastDenial = reason;
        return raw.SQLITE_DENY;
    }

    /// <summary>Actions a read-only request may not take: every write, schema change and setting.</summary>
    static bool Writes(int action, utf8z arg1, utf8z arg2) => action switch
    {
        Read or Function or Transaction or Savepoint or Attach or Detach => false,
        Pragma => !PragmaAllowlist.IsReadOnly(arg1.utf8_to_string(), Utf8.IsNull(arg2) ? null : arg2.utf8_to_string()),
        Select or Recursive => false,
        _ => true,
    };

    static bool IsTemp(utf8z database)
    {
        var span = Utf8.Span(database);
        return span.Length == 4 && (span[0] | 0x20) == 't' && (span[1] | 0x20) == 'e' && (span[2] | 0x20) == 'm' && (span[3] | 0x20) == 'p';
    }

    static bool IsMain(utf8z database)
    {
        var span = Utf8.Span(database);
        return span.Length == 4 && (span[0] | 0x20) == 'm' && (span[1] | 0x20) == 'a' && (span[2] | 0x20) == 'i' && (span[3] | 0x20) == 'n';
    }

    /// <summary>
    /// In the temp schema only reads, and SQLite's own upkeep of its (empty) catalog, are allowed: ALTER TABLE and DROP
    /// TABLE on main tables update and clean sqlite_temp_master, which user SQL cannot write directly.
    /// </summary>
    static bool TempActionAllowed(int action, utf8z table) => action switch
    {
        Read or Function => true,
        Update or Delete => IsTempCatalog(table),
        _ => false,
    };

    static bool IsDeniedTable(utf8z table)
    {
        var name = Utf8.Span(table);
        foreach (var denied in DeniedTables)
            if (Ascii.EqualsIgnoreCase(name, denied)) return true;
        return false;
    }

    static bool IsTempCatalog(utf8z table)
    {
        var name = Utf8.Span(table);
        return name.SequenceEqual("sqlite_temp_master"u8) || name.SequenceEqual("sqlite_temp_schema"u8);
    }

    static bool IsReserved(utf8z name)
    {
        var span = Utf8.Span(name);
        return span.Length >= 4 && (span[0] == (byte)'_') && (span[1] | 0x20) == 'c' && (span[2] | 0x20) == 'f' && span[3] == (byte)'_';
    }
}
