using System.Text.Json;
using SQLitePCL;

namespace Atoll.Engine.Execution;

/// <summary>A prepared single-statement SQL text kept for reuse, with its column names already JSON-encoded.</summary>
internal sealed class CachedStatement(string sql, sqlite3_stmt handle, bool isPragma)
{
    public string Sql { get; } = sql;
    public sqlite3_stmt Handle { get; } = handle;
    public bool IsPragma { get; } = isPragma;
    public ColumnNames Columns { get; } = new();
    public LinkedListNode<CachedStatement>? Node { get; set; }
}

/// <summary>Column names of a statement, encoded once and re-encoded only when the schema changes them.</summary>
internal sealed class ColumnNames
{
    const int Reprepare = 5; // SQLITE_STMTSTATUS_REPREPARE: how often SQLite recompiled the statement (a schema change)

    byte[][] _raw = [];
    JsonEncodedText[] _encoded = [];
    int _reprepares = -1;

    public ReadOnlySpan<JsonEncodedText> Get(sqlite3_stmt statement)
    {
        // Names are fixed when the statement is compiled: while SQLite has not recompiled it, the cached ones hold
        // (one native call instead of reading and comparing every name on every run).
        var reprepares = raw.sqlite3_stmt_status(statement, Reprepare, 0);
        if (reprepares == _reprepares) return _encoded;
        var count = raw.sqlite3_column_count(statement);
        _reprepares = reprepares;
        if (!Matches(statement, count))
        {
            _raw = new byte[count][];
            _encoded = new JsonEncodedText[count];
            for (var i = 0; i < count; i++)
            {
                _raw[i] = Connections.Utf8.Span(raw.sqlite3_column_name(statement, i)).ToArray();
                _encoded[i] = JsonEncodedText.Encode(_raw[i], JsonNames.Encoder);
            }
        }
        return _encoded;
    }

    bool Matches(sqlite3_stmt statement, int count)
    {
        if (count != _raw.Length) return false;
        for (var i = 0; i < count; i++)
            if (!Connections.Utf8.Span(raw.sqlite3_column_name(statement, i)).SequenceEqual(_raw[i])) return false;
        return true;
    }
}
