namespace Atoll.Server.Grains;

/// <summary>
/// What the database grains are doing, across the server: reads running now and the most seen at once, requests shed
/// as overloaded, and requests whose statement was interrupted because the caller went away.
/// </summary>
/// <remarks>Counters only (no locks on the query path); read by tests and by whoever reports metrics.</remarks>
public sealed class QueryActivity
{
    long _queued;
    long _readsRunning;
    long _peakReadsRunning;
    long _shedQueueFull;
    long _shedQueuedTooLong;
    long _cancelled;
    long _directReads;

    /// <summary>Requests waiting for a busy database right now.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Reads running on reader connections right now.</summary>
    public long ReadsRunning => Interlocked.Read(ref _readsRunning);

    /// <summary>The most reads seen running at once since the server started.</summary>
    public long PeakReadsRunning => Interlocked.Read(ref _peakReadsRunning);

    /// <summary>Requests refused with D1's overloaded error (queue full or queued too long).</summary>
    public long Shed => ShedQueueFull + ShedQueuedTooLong;

    /// <summary>Requests refused at once because the database's queue was full.</summary>
    public long ShedQueueFull => Interlocked.Read(ref _shedQueueFull);

    /// <summary>Requests refused after waiting in the queue for longer than allowed.</summary>
    public long ShedQueuedTooLong => Interlocked.Read(ref _shedQueuedTooLong);

    /// <summary>Requests whose caller cancelled or disconnected, and whose work was stopped.</summary>
    public long Cancelled => Interlocked.Read(ref _cancelled);

    /// <summary>Reads answered without a grain call (their database's grain active in this process).</summary>
    public long DirectReads => Interlocked.Read(ref _directReads);

    internal void ReadStarted()
    {
        var running = Interlocked.Increment(ref _readsRunning);
        var peak = Interlocked.Read(ref _peakReadsRunning);
        while (running > peak && Interlocked.CompareExchange(ref _peakReadsRunning, running, peak) != peak) peak = Interlocked.Read(ref _peakReadsRunning);
    }

    internal void ReadEnded() => Interlocked.Decrement(ref _readsRunning);

    internal void QueueChanged(int delta) => Interlocked.Add(ref _queued, delta);

    internal void RefusedQueueFull() => Interlocked.Increment(ref _shedQueueFull);

    internal void RefusedQueuedTooLong() => Interlocked.Increment(ref _shedQueuedTooLong);

    internal void ReadDirect() => Interlocked.Increment(ref _directReads);

    internal void CallerCancelled() => Interlocked.Increment(ref _cancelled);
}
