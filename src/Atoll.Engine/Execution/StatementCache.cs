using SQLitePCL;

namespace Atoll.Engine.Execution;

/// <summary>Least-recently-used prepared statements of one connection, keyed by their SQL text.</summary>
/// <remarks>Not thread-safe: a connection is used by one caller at a time.</remarks>
internal sealed class StatementCache(int capacity) : IDisposable
{
    readonly Dictionary<string, CachedStatement> _byText = new(StringComparer.Ordinal);
    readonly LinkedList<CachedStatement> _recent = new();

    public int Capacity { get; } = capacity;

    /// <summary>Takes the statement out of the cache, so a nested use cannot share it.</summary>
    public CachedStatement? Rent(string sql)
    {
        if (!_byText.Remove(sql, out var entry)) return null;
        _recent.Remove(entry.Node!);
        return entry;
    }

    /// <summary>Puts a reset statement back, evicting the least recently used one when full.</summary>
    public void Return(CachedStatement entry)
    {
        if (Capacity == 0 || _byText.ContainsKey(entry.Sql))
        {
            entry.Handle.Dispose();
            return;
        }
        if (_byText.Count >= Capacity)
        {
            var oldest = _recent.Last!.Value;
            _recent.RemoveLast();
            _byText.Remove(oldest.Sql);
            oldest.Handle.Dispose();
        }
        if (entry.Node is { } node) _recent.AddFirst(node); // reuse the node: no allocation per query
        else entry.Node = _recent.AddFirst(entry);
        _byText[entry.Sql] = entry;
    }

    public void Dispose()
    {
        foreach (var entry in _recent) entry.Handle.Dispose();
        _recent.Clear();
        _byText.Clear();
    }
}
