namespace Atoll.Engine.ChangeLog;

/// <summary>
/// The in-memory index of a database's log: one <see cref="LogPosition"/> per entry, oldest first. After a clean close
/// it is loaded from the persisted index only when a question needs it (a bookmark, a timestamp, a rebuild), so an
/// open costs the same for ten entries as for a hundred thousand; the last position is known without loading.
/// </summary>
/// <remarks>Thread-safe: the writer appends while Time Travel lookups and the shipper read.</remarks>
internal sealed class LogIndex
{
    readonly Lock _lock = new();
    Func<List<LogPosition>>? _load;
    List<LogPosition> _positions;
    LogPosition? _last;

    /// <summary>An index whose positions are all known now.</summary>
    public LogIndex(List<LogPosition> positions)
    {
        _positions = positions;
        _last = positions.Count > 0 ? positions[^1] : null;
    }

    /// <summary>An index whose older positions are read by <paramref name="load"/> on first use; <paramref name="last"/> is its newest.</summary>
    public LogIndex(Func<List<LogPosition>> load, LogPosition? last)
    {
        _load = load;
        _positions = [];
        _last = last;
    }

    /// <summary>True until something needed the persisted positions (tests of the open path read it).</summary>
    public bool Deferred
    {
        get { lock (_lock) return _load is not null; }
    }

    public LogPosition? Last
    {
        get { lock (_lock) return _last; }
    }

    public long LastSequence => Last?.Sequence ?? -1;

    public LogPosition? First
    {
        get { lock (_lock) return Loaded().Count > 0 ? _positions[0] : null; }
    }

    public int Count
    {
        get { lock (_lock) return Loaded().Count; }
    }

    public void Add(LogPosition position)
    {
        lock (_lock)
        {
            _positions.Add(position); // appended after the deferred ones when they load
            _last = position;
        }
    }

    /// <summary>
    /// What to persist at close: only the positions added since open when the persisted ones were never loaded
    /// (<paramref name="append"/> true), else every position.
    /// </summary>
    public IReadOnlyList<LogPosition> ToPersist(out bool append)
    {
        lock (_lock)
        {
            append = _load is not null;
            return [.. _positions];
        }
    }

    public LogPosition? Find(long sequence)
    {
        lock (_lock)
        {
            var index = IndexOf(sequence);
            return index >= 0 ? _positions[index] : null;
        }
    }

    /// <summary>The first entry after <paramref name="sequence"/>, or null.</summary>
    public LogPosition? After(long sequence)
    {
        lock (_lock)
        {
            var index = IndexOf(sequence);
            index = index >= 0 ? index + 1 : ~index;
            return index < _positions.Count ? _positions[index] : null;
        }
    }

    /// <summary>The last entry committed at or before <paramref name="timeMs"/> (commit times never go backwards).</summary>
    public LogPosition? AtOrBefore(long timeMs)
    {
        lock (_lock)
        {
            var positions = Loaded();
            int low = 0, high = positions.Count - 1, found = -1;
            while (low <= high)
            {
                var middle = (low + high) >>> 1;
                if (positions[middle].CommitTimeMs <= timeMs)
                {
                    found = middle;
                    low = middle + 1;
                }
                else high = middle - 1;
            }
            return found >= 0 ? positions[found] : null;
        }
    }

    public IReadOnlyList<LogPosition> Range(long after, long upTo)
    {
        lock (_lock) return [.. Loaded().Where(p => p.Sequence > after && p.Sequence <= upTo)];
    }

    public IReadOnlyList<LogPosition> All()
    {
        lock (_lock) return [.. Loaded()];
    }

    /// <summary>Forgets entries before <paramref name="sequence"/> whose segment is gone; returns what was dropped.</summary>
    public List<LogPosition> RemoveBefore(long sequence, Func<LogPosition, bool> gone)
    {
        lock (_lock)
        {
            var removed = Loaded().Where(p => p.Sequence < sequence && gone(p)).ToList();
            _positions.RemoveAll(p => p.Sequence < sequence && gone(p));
            return removed;
        }
    }

    // Binary search by sequence: the index, or the complement of where it would go.
    int IndexOf(long sequence)
    {
        var positions = Loaded();
        int low = 0, high = positions.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var found = positions[middle].Sequence;
            if (found == sequence) return middle;
            if (found < sequence) low = middle + 1;
            else high = middle - 1;
        }
        return ~low;
    }

    List<LogPosition> Loaded()
    {
        if (_load is null) return _positions;
        var loaded = _load();
        loaded.AddRange(_positions);
        _positions = loaded;
        _load = null;
        return _positions;
    }
}
