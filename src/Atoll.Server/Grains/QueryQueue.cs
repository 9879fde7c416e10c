using Atoll.Engine;

namespace Atoll.Server.Grains;

/// <summary>
/// One database's admission control: at most <c>ReaderCount</c> reads and one write run at once; a request that
/// finds its slots busy waits in a queue of at most <c>Atoll:MaxQueuedRequests</c> requests for at most
/// <c>Atoll:MaxQueueWait</c>, and is otherwise shed with D1's overloaded error (7429, retryable).
/// </summary>
/// <remarks>
/// Shedding at the door keeps the latency of admitted requests bounded (queue wait + the engine's time limit) instead of
/// letting queues grow until some timeout answers with a 500; each database has its own queue, so others stay fast.
/// </remarks>
internal sealed class QueryQueue(int readers, int maxQueued, TimeSpan maxWait, QueryActivity activity)
{
    readonly SemaphoreSlim _reads = new(readers, readers);
    readonly SemaphoreSlim _write = new(1, 1);
    readonly CancellationTokenSource _draining = new();
    int _queued;

    /// <summary>Waits for a reader slot; dispose the result to give it back.</summary>
    /// <exception cref="D1Exception">The queue is full, or the wait took longer than allowed (<see cref="D1ErrorCode.Overloaded"/>).</exception>
    public ValueTask<Slot> EnterReadAsync(CancellationToken cancellationToken) => EnterAsync(_reads, cancellationToken);

    /// <summary>
    /// <see cref="EnterReadAsync"/> for a read that bypasses the grain: null, holding nothing, once the queue drains
    /// (the grain is closing), also while waiting, so the caller can fall back to the grain instead of waiting for a slot
    /// that will never come back.
    /// </summary>
    public async ValueTask<Slot?> TryEnterDirectReadAsync(CancellationToken cancellationToken)
    {
        var draining = _draining.Token;
        if (draining.IsCancellationRequested) return null;
        Slot slot;
        if (_reads.Wait(0, CancellationToken.None))
        {
            slot = new Slot(_reads);
        }
        else
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, draining);
            try
            {
                slot = await EnterAsync(_reads, either.Token);
            }
            catch (OperationCanceledException) when (draining.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
        // Drain began before the slot was taken: give it back at once (the drain needs it) and let the grain answer.
        if (!draining.IsCancellationRequested) return slot;
        slot.Dispose();
        return null;
    }

    /// <summary>Waits for the write slot (the single writer); dispose the result to give it back.</summary>
    /// <exception cref="D1Exception">The queue is full, or the wait took longer than allowed (<see cref="D1ErrorCode.Overloaded"/>).</exception>
    public ValueTask<Slot> EnterWriteAsync(CancellationToken cancellationToken) => EnterAsync(_write, cancellationToken);

    /// <summary>The write slot with no queue bound, for operations that are not queries (import, restore, delete).</summary>
    public SemaphoreSlim WriteGate => _write;

    /// <summary>
    /// Waits until every read and the write have finished and keeps all slots, so the database can be closed under no
    /// one's feet; nothing enters afterwards (later requests are shed, or find the database closed).
    /// </summary>
    public async Task DrainAsync()
    {
        await _draining.CancelAsync(); // direct reads stop entering and waiting, and go through the grain
        await _write.WaitAsync();
        for (var i = 0; i < readers; i++) await _reads.WaitAsync();
    }

    /// <summary>Requests waiting for a slot now.</summary>
    public int Queued => Volatile.Read(ref _queued);

    async ValueTask<Slot> EnterAsync(SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        if (gate.Wait(0, cancellationToken)) return new Slot(gate);
        if (Interlocked.Increment(ref _queued) > maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            activity.RefusedQueueFull();
            throw new D1Exception(D1ErrorCode.Overloaded, "D1 DB is overloaded. Too many requests queued.");
        }
        activity.QueueChanged(1);
        try
        {
            if (!await gate.WaitAsync(maxWait, cancellationToken))
            {
                activity.RefusedQueuedTooLong();
                throw new D1Exception(D1ErrorCode.Overloaded, "D1 DB is overloaded. Requests queued for too long.");
            }
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
            activity.QueueChanged(-1);
        }
        return new Slot(gate);
    }

    /// <summary>A held slot.</summary>
    public readonly struct Slot(SemaphoreSlim gate) : IDisposable
    {
        /// <summary>Gives the slot back.</summary>
        public void Dispose() => gate.Release();
    }
}
