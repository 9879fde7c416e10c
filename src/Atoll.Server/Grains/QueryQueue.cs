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
    /// <exception cref="D1Exception">The queue is full, or the wait took longer than allowed (<see cref="D1ErrorCode.Overloaded"/>);
    /// the database was deleted meanwhile (<see cref="D1ErrorCode.NotFound"/>).</exception>
    public async ValueTask<Slot> EnterReadAsync(CancellationToken cancellationToken)
        => await TryEnterAsync(_reads, cancellationToken) ?? throw Gone();

    /// <summary>
    /// <see cref="EnterReadAsync"/> for a read that bypasses the grain: null, holding nothing, once the queue drains
    /// (the grain is closing), also while waiting, so the caller can fall back to the grain instead of waiting for a slot
    /// that will never come back.
    /// </summary>
    public ValueTask<Slot?> TryEnterDirectReadAsync(CancellationToken cancellationToken) => TryEnterAsync(_reads, cancellationToken);

    /// <summary>Waits for the write slot (the single writer); dispose the result to give it back.</summary>
    /// <exception cref="D1Exception">The queue is full, or the wait took longer than allowed (<see cref="D1ErrorCode.Overloaded"/>);
    /// the database was deleted meanwhile (<see cref="D1ErrorCode.NotFound"/>).</exception>
    public async ValueTask<Slot> EnterWriteAsync(CancellationToken cancellationToken)
        => await TryEnterAsync(_write, cancellationToken) ?? throw Gone();

    /// <summary>The write slot with no queue bound, for operations that are not queries (import, restore, delete).</summary>
    public SemaphoreSlim WriteGate => _write;

    /// <summary>
    /// Waits until every read and the write have finished and keeps all slots, so the database can be closed under no
    /// one's feet; nothing enters afterwards (direct reads fall back to the grain; queries through it hear Not Found).
    /// </summary>
    public async Task DrainAsync()
    {
        await _draining.CancelAsync(); // direct reads stop entering and waiting, and go through the grain
        await _write.WaitAsync();
        for (var i = 0; i < readers; i++) await _reads.WaitAsync();
    }

    /// <summary>Requests waiting for a slot now.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>
    /// A slot of <paramref name="gate"/>, or null (holding nothing) once the queue drains, also while waiting: a drain keeps
    /// every slot, so a request still queued would otherwise wait out the queue's time limit and be shed as overloaded.
    /// </summary>
    async ValueTask<Slot?> TryEnterAsync(SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var draining = _draining.Token;
        if (draining.IsCancellationRequested) return null;
        if (!gate.Wait(0, cancellationToken))
        {
            if (Interlocked.Increment(ref _queued) > maxQueued)
            {
                Interlocked.Decrement(ref _queued);
                activity.RefusedQueueFull();
                throw new D1Exception(D1ErrorCode.Overloaded, "D1 DB is overloaded. Too many requests queued.");
            }
            activity.QueueChanged(1);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, draining);
            try
            {
                if (!await gate.WaitAsync(maxWait, either.Token))
                {
                    activity.RefusedQueuedTooLong();
                    throw new D1Exception(D1ErrorCode.Overloaded, "D1 DB is overloaded. Requests queued for too long.");
                }
            }
            catch (OperationCanceledException) when (draining.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            finally
            {
                Interlocked.Decrement(ref _queued);
                activity.QueueChanged(-1);
            }
        }
        // Drain began before the slot was taken: give it back at once (the drain needs it).
        if (!draining.IsCancellationRequested) return new Slot(gate);
        gate.Release();
        return null;
    }

    /// <summary>
    /// What a query through the grain hears when the queue drained under it. The grain drains for a delete while queries
    /// interleave; a close runs only once no grain call is left, so only direct reads (which fall back) see that one.
    /// </summary>
    static D1Exception Gone() => new(D1ErrorCode.NotFound, "Not Found");

    /// <summary>A held slot.</summary>
    public readonly struct Slot(SemaphoreSlim gate) : IDisposable
    {
        /// <summary>Gives the slot back.</summary>
        public void Dispose() => gate.Release();
    }
}
