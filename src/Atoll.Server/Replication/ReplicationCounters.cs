namespace Atoll.Server.Replication;

/// <summary>What this node's replicas did: copies seeded, batches and entries applied, reads served (tests observe these instead of timing).</summary>
public sealed class ReplicationCounters
{
    long _seeds, _batches, _entries, _reads, _copies;

    public long Seeds => Interlocked.Read(ref _seeds);
    public long Batches => Interlocked.Read(ref _batches);
    public long Entries => Interlocked.Read(ref _entries);
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Times a replica behind its primary caught up from a fresh copy instead of replaying entries (far behind, or entries expired).</summary>
    public long CopyCatchUps => Interlocked.Read(ref _copies);

    internal void Seeded() => Interlocked.Increment(ref _seeds);

    internal void Applied(int entries)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _entries, entries);
    }

    internal void CaughtUpFromCopy() => Interlocked.Increment(ref _copies);

    internal void Served() => Interlocked.Increment(ref _reads);
}
