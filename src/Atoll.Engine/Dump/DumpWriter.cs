using System.Text;
using System.Text.RegularExpressions;
using Atoll.Engine.Connections;
using Atoll.Engine.Execution;
using SQLitePCL;

namespace Atoll.Engine.Dump;

/// <summary>
/// Writes a database as D1's SQL dump (<c>PRAGMA defer_foreign_keys=TRUE;</c>, tables in schema order with one
/// <c>INSERT</c> per row, then indexes, triggers and views) from one read transaction, so writers carry on meanwhile.
/// Unlike D1 it also dumps virtual tables: <c>CREATE VIRTUAL TABLE</c>, then their rows inserted through the table
/// (FTS5 with its own content, R*Tree) or an FTS5 <c>'rebuild'</c> (external content); shadow tables are skipped.
/// </summary>
/// <remarks>Not thread-safe: runs on one rented reader connection.</remarks>
internal sealed partial class DumpWriter(Connection connection, DumpOutput output, DumpOptions options)
{
    const string TablesSql = "SELECT name, type, sql FROM sqlite_schema AS o WHERE (true) AND type=='table' AND sql NOT NULL " +
        "ORDER BY tbl_name='sqlite_sequence', rowid;";
    const string RestOfSchemaSql = "SELECT name, sql FROM sqlite_schema AS o WHERE (true) AND sql NOT NULL " +
        "AND type IN ('index', 'trigger', 'view') ORDER BY type COLLATE NOCASE";

    readonly HashSet<string> _filter = new(options.Tables, StringComparer.Ordinal);
    readonly List<string> _rebuilds = [];

    public long Statements { get; private set; }

    [GeneratedRegex("CREATE TABLE ['\"]")]
    private static partial Regex QuotedCreateTable();

    [GeneratedRegex(@"^\s*CREATE\s+VIRTUAL\s+TABLE\s", RegexOptions.IgnoreCase)]
    private static partial Regex CreateVirtualTable();

    [GeneratedRegex(@"\bUSING\s+(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex VirtualModule();

    [GeneratedRegex(@"\bcontent\s*=\s*(?:'([^']*)'|""([^""]*)""|([^\s,)]*))", RegexOptions.IgnoreCase)]
    private static partial Regex Fts5Content();

    public void Write(CancellationToken cancellation)
    {
        Line("PRAGMA defer_foreign_keys=TRUE;");
        var shadows = ShadowTables();
        foreach (var (table, sql) in Query(TablesSql, row => (Text(row, 0), Text(row, 2))))
        {
            cancellation.ThrowIfCancellationRequested();
            if (_filter.Count > 0 && !_filter.Contains(table)) continue;
            var virtualModule = (string?)null;
            if (table == "sqlite_sequence")
            {
                if (!options.NoSchema) Line("DELETE FROM sqlite_sequence;");
            }
            else if (table.StartsWith("sqlite_stat", StringComparison.Ordinal) && table.Length > "sqlite_stat".Length)
            {
                if (!options.NoSchema) Line("ANALYZE sqlite_schema;");
            }
            else
            {
                if (table.StartsWith("_cf_", StringComparison.Ordinal) || table.StartsWith("sqlite_", StringComparison.Ordinal)) continue;
                if (shadows.Contains(table)) continue;
                if (CreateVirtualTable().IsMatch(sql))
                    virtualModule = VirtualModule().Match(sql) is { Success: true } m ? m.Groups[1].Value.ToLowerInvariant() : "";
                if (!options.NoSchema)
                    Line(virtualModule is null && QuotedCreateTable().IsMatch(sql) ? $"CREATE TABLE IF NOT EXISTS {sql[13..]};" : $"{sql};");
            }
            if (options.NoData) continue;
            if (virtualModule is null) WriteRows(table, rowId: false);
            else WriteVirtualRows(table, sql, virtualModule, shadows);
        }
        foreach (var rebuild in _rebuilds) Line(rebuild);
        if (options.NoSchema) return;
        foreach (var (name, sql) in Query(RestOfSchemaSql, row => (Text(row, 0), Text(row, 1))))
            if (_filter.Count == 0 || _filter.Contains(name)) Line($"{sql};");
    }

    void WriteVirtualRows(string table, string sql, string module, HashSet<string> shadows)
    {
        switch (module)
        {
            case "fts5" when shadows.Contains(table + "_content"):
                WriteRows(table, rowId: true);
                break;
            case "fts5":
                // External content: the index is rebuilt from the content table once every table's rows are in.
                var content = Fts5Content().Match(sql);
                var source = content.Success ? content.Groups[1].Value + content.Groups[2].Value + content.Groups[3].Value : "";
                if (source.Length > 0)
                {
                    var quoted = SqlLiteral.Identifier(table);
                    _rebuilds.Add($"INSERT INTO {quoted}({quoted}) VALUES('rebuild');");
                }
                break; // contentless: the text is not stored, so there are no rows to dump
            case "fts5vocab":
                break; // a view over another FTS5 table
            default:
                WriteRows(table, rowId: false); // rtree, rtree_i32: rows insert through the table
                break;
        }
    }

    void WriteRows(string table, bool rowId)
    {
        var columns = Query($"PRAGMA table_info={SqlLiteral.Identifier(table)}", row => Text(row, 1));
        if (columns.Count == 0) return;
        var quotedTable = SqlLiteral.Identifier(table);
        var names = string.Join(",", columns.Select(SqlLiteral.Identifier));
        var select = $"SELECT {(rowId ? "rowid, " : "")}{string.Join(", ", columns.Select(SqlLiteral.Identifier))} FROM {quotedTable};";
        var head = Encoding.UTF8.GetBytes($"INSERT INTO {quotedTable} ({(rowId ? "rowid," : "")}{names}) VALUES(");
        var statement = Prepare(select);
        try
        {
            int rc;
            var count = columns.Count + (rowId ? 1 : 0);
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                output.Write(head);
                for (var i = 0; i < count; i++)
                {
                    if (i > 0) output.Write((byte)',');
                    WriteValue(statement, i);
                }
                output.Write(");\n"u8);
                Statements++;
            }
            if (rc != raw.SQLITE_DONE) throw ErrorFactory.FromConnection(connection, rc);
        }
        finally
        {
            statement.Dispose();
        }
    }

    void WriteValue(sqlite3_stmt statement, int column)
    {
        switch (raw.sqlite3_column_type(statement, column))
        {
            case raw.SQLITE_INTEGER:
                SqlLiteral.WriteInteger(output, raw.sqlite3_column_int64(statement, column));
                break;
            case raw.SQLITE_FLOAT:
                SqlLiteral.WriteReal(output, raw.sqlite3_column_double(statement, column));
                break;
            case raw.SQLITE_TEXT:
                SqlLiteral.WriteText(output, Utf8.Column(statement, column));
                break;
            case raw.SQLITE_BLOB:
                SqlLiteral.WriteBlob(output, raw.sqlite3_column_blob(statement, column));
                break;
            default:
                output.Write("NULL"u8);
                break;
        }
    }

    /// <summary>Tables that belong to a virtual table (FTS5's <c>_data</c>, <c>_idx</c>…; R*Tree's <c>_node</c>…).</summary>
    HashSet<string> ShadowTables()
        => new(Query("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'", row => Text(row, 0)), StringComparer.Ordinal);

    void Line(string sql)
    {
        output.Write(Encoding.UTF8.GetBytes(sql));
        output.Write((byte)'\n');
        Statements++;
    }

    List<T> Query<T>(string sql, Func<sqlite3_stmt, T> read)
    {
        var statement = Prepare(sql);
        try
        {
            var rows = new List<T>();
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW) rows.Add(read(statement));
            return rc == raw.SQLITE_DONE ? rows : throw ErrorFactory.FromConnection(connection, rc);
        }
        finally
        {
            statement.Dispose();
        }
    }

    sqlite3_stmt Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement);
        if (rc == raw.SQLITE_OK) return statement;
        statement?.Dispose();
        throw ErrorFactory.FromConnection(connection, rc);
    }

    static string Text(sqlite3_stmt statement, int column) => raw.sqlite3_column_text(statement, column).utf8_to_string() ?? "";
}
