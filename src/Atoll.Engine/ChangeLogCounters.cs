namespace Atoll.Engine;

/// <summary>
/// What the change log's background work did and how often it failed, per database (for metrics). Failures are also
/// reported to <see cref="ChangeLogOptions.OnFailure"/>; none is silent.
/// </summary>
public sealed class ChangeLogCounters
{
    long _snapshots, _snapshotFailures, _expiryFailures, _uploadFailures, _entriesShipped;

    /// <summary>Snapshots taken.</summary>
    public long Snapshots => Interlocked.Read(ref _snapshots);

    /// <summary>Snapshot attempts that failed (each is retried with backoff).</summary>
    public long SnapshotFailures => Interlocked.Read(ref _snapshotFailures);

    /// <summary>Expiry runs that failed (retried after the next snapshot or interval).</summary>
    public long ExpiryFailures => Interlocked.Read(ref _expiryFailures);

    /// <summary>Object-store operations of shipping that failed (each is retried with backoff).</summary>
    public long UploadFailures => Interlocked.Read(ref _uploadFailures);

    /// <summary>Log entries published to the object store.</summary>
    public long EntriesShipped => Interlocked.Read(ref _entriesShipped);

    internal void SnapshotTaken() => Interlocked.Increment(ref _snapshots);
    internal void SnapshotFailed()
    {
        Interlocked.Increment(ref _snapshotFailures);
        Diagnostics.EngineMetrics.SnapshotFailures.Add(1);
    }

    internal void ExpiryFailed()
    {
        Interlocked.Increment(ref _expiryFailures);
        Diagnostics.EngineMetrics.ExpiryFailures.Add(1);
    }

    internal void UploadFailed()
    {
        Interlocked.Increment(ref _uploadFailures);
        Diagnostics.EngineMetrics.UploadFailures.Add(1);
    }
    internal void EntryShipped() => Interlocked.Increment(ref _entriesShipped);
}
