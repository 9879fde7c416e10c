namespace Atoll.Engine.ChangeLog;

/// <summary>
/// The request ids of a database's recent commits, so that a retried write is recognised by whichever owner it reaches:
/// the ids this owner committed, and — read once, at the first lookup — those in the log's recent tail, committed by an
/// earlier owner before it went away. Kept for <see cref="QueryRequest.ReceiptWindow"/> after their commit.
/// </summary>
/// <remarks>Used under the database's write gate (captures and lookups both happen there): no locking of its own.</remarks>
internal sealed class WriteReceipts(LogStore store, TimeProvider clock)
{
    readonly Dictionary<Guid, long> _sequences = [];
    readonly Queue<(long TimeMs, Guid Id)> _byTime = new();
    bool _tailRead;

    /// <summary>Remembers that the commit <paramref name="sequence"/>, made at <paramref name="commitTimeMs"/>, answered <paramref name="id"/>.</summary>
    public void Add(Guid id, long sequence, long commitTimeMs)
    {
        _sequences[id] = sequence;
        _byTime.Enqueue((commitTimeMs, id));
        Forget(clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)QueryRequest.ReceiptWindow.TotalMilliseconds);
    }

    /// <summary>The receipt of the commit that answered <paramref name="id"/> within the window, or null when none did.</summary>
    public WriteReceipt? Find(Guid id)
    {
        var since = clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)QueryRequest.ReceiptWindow.TotalMilliseconds;
        if (!_tailRead) ReadTail(since);
        Forget(since);
        if (!_sequences.TryGetValue(id, out var sequence) || store.Index.Find(sequence) is not { } position) return null;
        return LogSegments.ReadReceipt(position) is { } bytes ? WriteReceipt.Decode(bytes, sequence) : null;
    }

    // The ids of the commits in the window that this process did not capture itself (they are in its log all the same:
    // a new owner's log holds the history it took over).
    void ReadTail(long since)
    {
        _tailRead = true;
        var after = store.Index.AtOrBefore(since)?.Sequence ?? -1;
        foreach (var (position, receipt) in LogSegments.ReadReceipts(store.Index.Range(after, store.Index.LastSequence)))
            if (WriteReceipt.IdOf(receipt) is { } id) Add(id, position.Sequence, position.CommitTimeMs);
    }

    void Forget(long before)
    {
        while (_byTime.TryPeek(out var oldest) && oldest.TimeMs < before)
        {
            _byTime.Dequeue();
            _sequences.Remove(oldest.Id);
        }
    }
}
