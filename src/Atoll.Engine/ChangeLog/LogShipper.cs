using System.Collections.Concurrent;
using Atoll.Engine.Storage;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// Publishes a database's log entries to the object store in sequence order, under the owner's epoch, and uploads its
/// snapshots once the entry they belong to is published (a baseline's snapshot before its entry: replay starts there). The queue is a position — "durable up to N, shipped up to M" —
/// and each entry is read back from the local log when its turn comes, so memory stays flat however long the store is
/// unreachable; retries back off from 100 ms to 5 s. A publish another owner got to first fences this one: it stops,
/// and what it had not yet published is never acknowledged.
/// </summary>
internal sealed class LogShipper : IAsyncDisposable
{
    /// <summary>Every running shipper, so the backlog gauge can sum them without a per-database series.</summary>
    static readonly ConcurrentDictionary<LogShipper, byte> Running = new();

    readonly LogStore _log;
    readonly ChangeLogOptions _options;
    readonly IObjectStore _store;
    readonly IOwnershipFence _fence;
    readonly ChangeLogCounters _counters;
    readonly SemaphoreSlim _signal = new(0);
    readonly Lock _lock = new();
    readonly SortedSet<long> _snapshots = [];
    readonly HashSet<long> _uploadedWithEntry = [];
    readonly List<(long Sequence, TaskCompletionSource Done)> _waiters = [];
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    long _durable;
    long _shipped;
    string? _fenced;

    /// <summary>Starts shipping <paramref name="log"/>'s entries up to <paramref name="durable"/> (and later ones as they become durable).</summary>
    /// <param name="log">The local log entries are read back from.</param>
    /// <param name="options">The store, prefix and fence.</param>
    /// <param name="counters">Where failures are counted.</param>
    /// <param name="durable">The last entry already durable locally.</param>
    /// <param name="shipped">The last sequence known to be in the store (saved at a clean close), or null to ask the store.</param>
    public LogShipper(LogStore log, ChangeLogOptions options, ChangeLogCounters counters, long durable, long? shipped)
    {
        _log = log;
        _options = options;
        _store = options.ObjectStore!;
        _fence = options.Fence ?? new ObjectStoreFence(_store);
        _counters = counters;
        _durable = durable;
        _shipped = shipped ?? long.MinValue;
        Running.TryAdd(this, 0);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Entries durable locally and not yet in the store, over every open database (0 for one whose tip is still unknown).</summary>
    internal static long TotalBacklog() => Running.Keys.Sum(shipper => shipper.Backlog);

    long Backlog
    {
        get
        {
            var shipped = Shipped;
            if (shipped == long.MinValue) return 0;
            lock (_lock) return Math.Max(0, _durable - shipped);
        }
    }

    /// <summary>The last failure, while the store is refusing uploads; null once it takes them again.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>The highest sequence whose entry is in the store.</summary>
    public long Shipped => Interlocked.Read(ref _shipped);

    /// <summary>The epoch this owner publishes under (0 until claimed).</summary>
    public long Epoch { get; private set; }

    /// <summary>Why this owner was fenced, or null while it owns the history.</summary>
    public string? Fenced => Volatile.Read(ref _fenced);

    /// <summary>Entries up to <paramref name="sequence"/> are durable locally: ship them.</summary>
    public void Durable(long sequence)
    {
        lock (_lock) _durable = Math.Max(_durable, sequence);
        _signal.Release();
    }

    /// <summary>Uploads the local snapshot at <paramref name="sequence"/> once its entry is published.</summary>
    public void Snapshot(long sequence)
    {
        lock (_lock) _snapshots.Add(sequence);
        _signal.Release();
    }

    /// <summary>Completes once everything up to <paramref name="sequence"/> is in the store; fails after <paramref name="timeout"/> or when fenced.</summary>
    public async Task WaitForAsync(long sequence, TimeSpan timeout, CancellationToken cancellationToken)
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            ThrowIfFenced();
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

    public void ThrowIfFenced()
    {
        if (Fenced is { } reason) throw new D1Exception(D1ErrorCode.SqlError, $"D1 DB storage operation failed: {reason}");
    }

    async Task RunAsync()
    {
        try
        {
            Epoch = await RetryAsync(ct => _fence.ClaimAsync(_options.ObjectPrefix, ct)).ConfigureAwait(false);
            // A wait that began before the store's tip was known may already be covered by it (a commit the previous owner
            // published — a resent write answered from its receipt waits for exactly that): no later publish would end it.
            if (Shipped == long.MinValue) MarkShipped(await RetryAsync(RemoteTipAsync).ConfigureAwait(false));
            if (Fenced is not null) return;
            if (!_options.IsNew) await RetryAsync(QueueMissingSnapshotsAsync).ConfigureAwait(false); // a new database's are queued as taken
            while (!_stop.IsCancellationRequested)
            {
                var entry = await ShipNextEntryAsync().ConfigureAwait(false);
                if (entry is false) return; // fenced
                if (entry is true || await ShipNextSnapshotAsync().ConfigureAwait(false)) continue;
                await _signal.WaitAsync(_stop.Token).ConfigureAwait(false); // nothing to ship until the next Durable or Snapshot
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    // Publishes the entry after the last shipped one, if it is durable. False when another owner published it first.
    async Task<bool?> ShipNextEntryAsync()
    {
        long durable;
        lock (_lock) durable = _durable;
        if (Shipped >= durable) return null;
        if (_log.Index.After(Shipped) is not { } position || position.Sequence > durable) return null;
        // A baseline's history starts from its snapshot, so the snapshot goes first: once the entry is published (and
        // anything after it acknowledged) the store can rebuild from it, and an upload cut short is redone here.
        if (position.Kind == LogEntryKind.Baseline)
        {
            if (!await RetryAsync(ct => CreateBaselineSnapshotAsync(position.Sequence, ct)).ConfigureAwait(false))
            {
                Fence($"another owner stored a different snapshot for baseline {position.Sequence} of this database: this copy no " +
                    $"longer owns it (epoch {Epoch}); its commits from {position.Sequence} on were not acknowledged as uploaded.");
                return false;
            }
            lock (_lock)
            {
                _snapshots.Remove(position.Sequence);
                _uploadedWithEntry.Add(position.Sequence); // told about it (again) after: not uploaded a second time
            }
        }
        // Read back from the local log (the queue holds no pages) and stamped with this owner's epoch.
        var entry = LogStore.Read(position) with { Epoch = Epoch };
        var bytes = entry.Encode();
        var published = await RetryAsync(ct => _fence.PublishAsync(_log.EntryKey(position.Sequence), bytes, Epoch, ct)).ConfigureAwait(false);
        if (!published)
        {
            Fence($"another owner published commit {position.Sequence} of this database first: this copy no longer owns it " +
                $"(epoch {Epoch}); its commits from {position.Sequence} on were not acknowledged as uploaded.");
            return false;
        }
        _counters.EntryShipped();
        MarkShipped(position.Sequence);
        return true;
    }

    // Everything up to the sequence is in the store: the writes waiting for it may be acknowledged.
    void MarkShipped(long sequence)
    {
        Interlocked.Exchange(ref _shipped, sequence);
        List<TaskCompletionSource> done = [];
        lock (_lock)
            _waiters.RemoveAll(w =>
            {
                if (w.Sequence > sequence) return false;
                done.Add(w.Done);
                return true;
            });
        foreach (var waiter in done) waiter.TrySetResult();
    }

    async Task<bool> ShipNextSnapshotAsync()
    {
        long sequence;
        lock (_lock)
        {
            if (_snapshots.Count == 0 || _snapshots.Min > Shipped) return false;
            sequence = _snapshots.Min;
            if (_uploadedWithEntry.Remove(sequence))
            {
                _snapshots.Remove(sequence);
                return true;
            }
        }
        await RetryAsync(ct => UploadSnapshotAsync(sequence, ct)).ConfigureAwait(false);
        lock (_lock) _snapshots.Remove(sequence);
        return true;
    }

    // Creates the baseline's snapshot object, or finds it there already: ours (an earlier try, or a run before a restart)
    // when its bytes are the local snapshot's; another owner's baseline at this sequence otherwise (false).
    async Task<bool> CreateBaselineSnapshotAsync(long sequence, CancellationToken cancellationToken)
    {
        await using var file = _log.Snapshots.OpenLocal(sequence);
        if (file is null) return true; // expired meanwhile: nothing to replay from it any more
        var key = _log.Snapshots.Key(sequence);
        if (await _store.PutIfAbsentAsync(key, file, cancellationToken).ConfigureAwait(false)) return true;
        await using var existing = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new IOException($"{key} was reported present, then could not be read"); // retried
        file.Position = 0;
        return await SameBytesAsync(file, existing, cancellationToken).ConfigureAwait(false);
    }

    static async Task<bool> SameBytesAsync(Stream a, Stream b, CancellationToken cancellationToken)
    {
        var left = new byte[1 << 16];
        var right = new byte[1 << 16];
        while (true)
        {
            var read = await a.ReadAtLeastAsync(left, left.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var other = await b.ReadAtLeastAsync(right, right.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read != other || !left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, other))) return false;
            if (read == 0) return true;
        }
    }

    async Task<bool> UploadSnapshotAsync(long sequence, CancellationToken cancellationToken)
    {
        await using var file = _log.Snapshots.OpenLocal(sequence);
        if (file is not null) await _store.PutAsync(_log.Snapshots.Key(sequence), file, cancellationToken).ConfigureAwait(false);
        return true;
    }

    // Where the store's copy of this history ends; a store holding commits this copy lacks means another owner went on.
    async Task<long> RemoteTipAsync(CancellationToken cancellationToken)
    {
        var keys = await _store.ListAsync($"{_options.ObjectPrefix}log/", cancellationToken).ConfigureAwait(false);
        var first = _log.Index.First?.Sequence ?? 0;
        if (keys.Count == 0) return first - 1;
        var tip = Convert.ToInt64(Path.GetFileNameWithoutExtension(keys[^1]), 16);
        if (tip > _log.Index.LastSequence)
            Fence($"the object store holds commits up to {tip} that this copy (up to {_log.Index.LastSequence}) lacks: another owner went on.");
        return Math.Max(tip, first - 1);
    }

    async Task<bool> QueueMissingSnapshotsAsync(CancellationToken cancellationToken)
    {
        var remote = (await _log.Snapshots.RemoteAsync(cancellationToken).ConfigureAwait(false)).ToHashSet();
        lock (_lock)
            foreach (var local in _log.Snapshots.Local().Where(s => !remote.Contains(s))) _snapshots.Add(local);
        return true;
    }

    void Fence(string reason)
    {
        List<TaskCompletionSource> waiters;
        lock (_lock)
        {
            _fenced = reason;
            waiters = [.. _waiters.Select(w => w.Done)];
            _waiters.Clear();
        }
        _options.OnFailure?.Invoke($"database {_options.ObjectPrefix} stopped publishing", new InvalidOperationException(reason));
        foreach (var waiter in waiters) waiter.TrySetException(new D1Exception(D1ErrorCode.SqlError, $"D1 DB storage operation failed: {reason}"));
    }

    // Retries until it succeeds, backing off from 100 ms up to 5 s between attempts; each failure is counted and reported.
    async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> operation)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                var result = await operation(_stop.Token).ConfigureAwait(false);
                LastError = null;
                return result;
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                if (LastError is null) _options.OnFailure?.Invoke($"uploading the change log of {_options.ObjectPrefix} failed; retrying", ex);
                LastError = ex;
                _counters.UploadFailed();
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>Stops shipping (after up to 2 s to finish what is durable); the rest is shipped on the next open.</summary>
    public async ValueTask DisposeAsync()
    {
        Running.TryRemove(this, out _);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (LastError is null && Fenced is null && !_loop.IsCompleted && DateTime.UtcNow < deadline)
            {
                long durable;
                lock (_lock) durable = _durable;
                if (Shipped >= durable) break;
                await Task.Delay(10).ConfigureAwait(false);
            }
        }
        finally
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            lock (_lock)
                foreach (var (_, done) in _waiters) done.TrySetCanceled();
            _stop.Dispose();
        }
    }
}
