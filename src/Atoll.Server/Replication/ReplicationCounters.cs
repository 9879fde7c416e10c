namespace Atoll.Server.Replication;

/// <summary>What this node's replicas did: copies seeded, batches and entries applied, reads served (tests observe these instead of timing).</summary>
public sealed class ReplicationCounters
{
    long _seeds, _batches, _entries, _reads;

    public long Seeds => Interlocked.Read(ref _seeds);
    public long Batches => Interlocked.Read(ref _batches);
    public long Entries => Interlocked.Read(ref _entries);
    public long Reads => Interlocked.Read(ref _reads);

    internal void Seeded() => Interlocked.Increment(ref _seeds);

    internal void Applied(int entries)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _entries, entries);
    }

    internal void Served() => Interlocked.Increment(ref _reads);
}
