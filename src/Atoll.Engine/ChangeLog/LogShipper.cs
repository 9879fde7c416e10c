using System.Threading.Channels;
using Atoll.Engine.Storage;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// Copies log entries and snapshots to the object store in the background, in order batch by batch (up to 32 side by
/// side), retrying until the store takes them. The local segments stay the durable copy meanwhile, so an unreachable store delays backups, never writes.
/// </summary>
internal sealed class LogShipper : IAsyncDisposable
{
    const int MaxBatch = 32;
    readonly IObjectStore _store;
    readonly Channel<(Func<IObjectStore, CancellationToken, Task> Ship, long Sequence)> _queue =
        Channel.CreateUnbounded<(Func<IObjectStore, CancellationToken, Task>, long)>();
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    long _shipped = -1;
    readonly Lock _waitersLock = new();
    readonly List<(long Sequence, TaskCompletionSource Done)> _waiters = [];

    public LogShipper(IObjectStore store)
    {
        _store = store;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The last failure, while the store is refusing uploads; null once it takes them again.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>The highest sequence whose entry is in the store.</summary>
    public long Shipped => Interlocked.Read(ref _shipped);

    /// <summary>Queues an upload; <paramref name="sequence"/> is the log entry it completes, or -1 (a snapshot).</summary>
    public void Enqueue(string key, Func<Stream> content, long sequence) => Enqueue(async (store, cancellationToken) =>
    {
        await using var stream = content();
        await store.PutAsync(key, stream, cancellationToken).ConfigureAwait(false);
    }, sequence);

    /// <summary>
    /// Queues work that runs with the uploads (in the same batch as those queued next to it, after those queued before)
    /// and is retried like one until it succeeds; once its batch is in, everything up to <paramref name="sequence"/>
    /// counts as shipped. It must be safe to run again after a partial failure.
    /// </summary>
    public void Enqueue(Func<IObjectStore, CancellationToken, Task> ship, long sequence)
    {
        if (_queue.Writer.TryWrite((ship, sequence))) Diagnostics.EngineMetrics.ShippingBacklog.Add(1);
    }

    /// <summary>Completes once everything up to <paramref name="sequence"/> is in the store; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(long sequence, TimeSpan timeout, CancellationToken cancellationToken)
    {
        TaskCompletionSource done;
        lock (_waitersLock)
        {
            if (Shipped >= sequence) return;
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((sequence, done));
        }
        try
        {
            await done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new D1Exception(D1ErrorCode.Overloaded,
                $"D1 DB storage operation exceeded timeout: object storage did not take commit {sequence} " +
                $"({LastError?.Message ?? "no answer"}); the commit is kept locally and will be uploaded when storage answers.");
        }
    }

    async Task RunAsync()
    {
        var batch = new List<(Func<IObjectStore, CancellationToken, Task> Ship, long Sequence)>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
                // Side by side: a store that answers each upload slowly (a network round trip, a filesystem fsync) takes
                // a batch in about the time of one. Shipped advances only once the whole batch is in, so it still means
                // "everything up to here"; a crash mid-batch can leave a hole, which hydration stops at.
                await Task.WhenAll(batch.Select(item => ShipAsync(item.Ship))).ConfigureAwait(false);
                Diagnostics.EngineMetrics.ShippingBacklog.Add(-batch.Count);
                var highest = batch.Max(item => item.Sequence);
                if (highest > Shipped) Interlocked.Exchange(ref _shipped, highest);
                lock (_waitersLock)
                    _waiters.RemoveAll(w =>
                    {
                        if (w.Sequence > Shipped) return false;
                        w.Done.TrySetResult();
                        return true;
                    });
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    // Retries until it succeeds, backing off from 100 ms up to 5 s between attempts.
    async Task ShipAsync(Func<IObjectStore, CancellationToken, Task> ship)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await ship(_store, _stop.Token).ConfigureAwait(false);
                LastError = null;
                return;
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                LastError = ex;
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>Stops shipping; what is still queued is in the local segments and is shipped on the next open.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        lock (_waitersLock)
            foreach (var (_, done) in _waiters) done.TrySetCanceled();
        _stop.Dispose();
    }
}
