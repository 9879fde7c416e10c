using Atoll.Engine.Connections;
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
        DropView = 17, Insert = 18, Pragma = 19, Read = 20, Transaction = 22, Update = 23, Attach = 24,
        Detach = 25, AlterTable = 26, Reindex = 27, Analyze = 28, CreateVtable = 29, DropVtable = 30,
        Function = 31, Savepoint = 32;

    static readonly HashSet<string> DeniedFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "sqlite_version", "sqlite_source_id", "sqlite_compileoption_used", "sqlite_compileoption_get",
        "load_extension", "sqlite_offset", "fts3_tokenizer",
    };

    static readonly HashSet<string> AllowedModules = new(StringComparer.OrdinalIgnoreCase)
    {
        "fts5", "fts5vocab", "rtree", "rtree_i32",
    };

    readonly delegate_authorizer _callback;

    public Authorizer() => _callback = Authorize;

    /// <summary>While true, every action is allowed (the engine's own BEGIN/COMMIT and bookkeeping).</summary>
    public bool Trusted { get; set; }

    /// <summary>Why the last denial happened, when D1's bare "not authorized" would not say enough.</summary>
    public string? LastDenial { get; private set; }

    public void Install(sqlite3 db) => raw.sqlite3_set_authorizer(db, _callback, null);

    public void ClearDenial() => LastDenial = null;

    int Authorize(object userData, int action, utf8z arg1, utf8z arg2, utf8z database, utf8z trigger)
    {
        if (Trusted) return raw.SQLITE_OK;
        switch (action)
        {
            case Attach or Detach:
                return raw.SQLITE_DENY;
            case CreateTempIndex or CreateTempTable or CreateTempTrigger or CreateTempView
                or DropTempIndex or DropTempTable or DropTempTrigger or DropTempView:
                return raw.SQLITE_DENY;
            case Transaction or Savepoint:
                LastDenial = TransactionDenied;
                return raw.SQLITE_DENY;
            case Pragma:
            {
                var schema = database.utf8_to_string();
                if (!string.IsNullOrEmpty(schema) && !schema.Equals("main", StringComparison.OrdinalIgnoreCase)) return raw.SQLITE_DENY;
                var name = arg1.utf8_to_string();
                return PragmaAllowlist.IsAllowed(name, Utf8.IsNull(arg2) ? null : arg2.utf8_to_string()) ? raw.SQLITE_OK : raw.SQLITE_DENY;
            }
            case Function:
                return DeniedFunctions.Contains(arg2.utf8_to_string()) ? raw.SQLITE_DENY : raw.SQLITE_OK;
            case CreateVtable:
                return AllowedModules.Contains(arg2.utf8_to_string()) && !IsReserved(arg1) ? raw.SQLITE_OK : raw.SQLITE_DENY;
            case CreateIndex or CreateTrigger:
                // arg1 is the index/trigger name, arg2 the table.
                return IsReserved(arg1) || IsReserved(arg2) ? raw.SQLITE_DENY : raw.SQLITE_OK;
            case CreateTable or CreateView or DropTable or DropView or DropIndex or DropTrigger or Delete or Insert
                or Update or Read or AlterTable or Reindex or Analyze or DropVtable:
                // Reads of sqlite_master rows naming _cf_ tables are fine; the tables themselves are off limits.
                return action is AlterTable ? (IsReserved(arg2) ? raw.SQLITE_DENY : raw.SQLITE_OK)
                    : IsReserved(arg1) ? raw.SQLITE_DENY : raw.SQLITE_OK;
            default:
                return raw.SQLITE_OK;
        }
    }

    static bool IsReserved(utf8z name)
    {
        var span = Utf8.Span(name);
        return span.Length >= 4 && (span[0] == (byte)'_') && (span[1] | 0x20) == 'c' && (span[2] | 0x20) == 'f' && span[3] == (byte)'_';
    }
}
