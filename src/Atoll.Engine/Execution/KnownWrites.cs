using System.Collections.Concurrent;

namespace Atoll.Engine.Execution;

/// <summary>
/// SQL texts a reader found to write. A request holding one goes straight to the writer: without this every write was
/// first tried on a reader (a reader rented, its statement looked up or prepared, then given up) before the writer ran it.
/// </summary>
/// <remarks>
/// Whether a statement writes is a property of its text (<c>sqlite3_stmt_readonly</c>), so an entry never goes stale;
/// and a text wrongly sent to the writer would still run correctly there, only serialised. Bounded: cleared when full.
/// </remarks>
internal sealed class KnownWrites
{
    const int Capacity = 1024;
    readonly ConcurrentDictionary<string, byte> _texts = new(StringComparer.Ordinal);

    /// <summary>True when some statement of <paramref name="request"/> is known to write.</summary>
    public bool Contains(QueryRequest request)
    {
        if (_texts.IsEmpty) return false;
        foreach (var statement in request.Statements)
            if (_texts.ContainsKey(statement.Sql)) return true;
        return false;
    }

    /// <summary>Remembers that <paramref name="sql"/> writes.</summary>
    public void Add(string sql)
    {
        if (_texts.Count >= Capacity) _texts.Clear();
        _texts.TryAdd(sql, 0);
    }
}
