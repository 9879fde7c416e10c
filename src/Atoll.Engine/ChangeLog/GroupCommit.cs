namespace Atoll.Engine.ChangeLog;

/// <summary>
/// Makes appended log entries durable in groups. The writer appends an entry under the database's write gate and
/// waits for it after releasing the gate; the first waiter syncs the log, and one sync covers every entry appended
/// before it started, so the next commit runs while the disk flushes and concurrent writers share syncs. Waiters
/// sleep on a task instead of spinning on a lock, which on a small machine would take CPU from the writer.
/// </summary>
/// <param name="durable">The last sequence already durable (from the log on disk).</param>
/// <param name="sync">Syncs the log: every entry appended before the call is durable once it returns.</param>
/// <param name="synced">Receives the last sequence each successful sync made durable (to ship up to it); never the pages.</param>
internal sealed class GroupCommit(long durable, Action sync, Action<long> synced)
{
    readonly Lock _lock = new();
    readonly List<(long Sequence, TaskCompletionSource Done)> _waiters = [];
    long _appended = durable;
    long _durable = durable;
    bool _syncing;

    /// <summary>Records that entry <paramref name="sequence"/> was just appended.</summary>
    public void Appended(long sequence)
    {
        lock (_lock) _appended = sequence;
    }

    /// <summary>Returns once every entry up to <paramref name="sequence"/> is durable, syncing itself when no one else is.</summary>
    /// <exception cref="Exception">The sync failed: whatever <c>sync</c> threw.</exception>
    public void WaitFor(long sequence)
    {
        var (done, lead) = Join(sequence);
        if (lead) Run(handOff: true);
        done.GetAwaiter().GetResult();
    }

    /// <summary>Completes once every entry up to <paramref name="sequence"/> is durable; a sync it leads runs on the thread pool.</summary>
    public Task WaitForAsync(long sequence)
    {
        var (done, lead) = Join(sequence);
        if (lead) ThreadPool.UnsafeQueueUserWorkItem(static self => self.Run(handOff: false), this, preferLocal: false);
        return done;
    }

    (Task Done, bool Lead) Join(long sequence)
    {
        if (Volatile.Read(ref _durable) >= sequence) return (Task.CompletedTask, false);
        lock (_lock)
        {
            // Nothing past the last append can be waited for (a commit whose capture failed has no entry).
            sequence = Math.Min(sequence, _appended);
            if (_durable >= sequence) return (Task.CompletedTask, false);
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((sequence, done));
            var lead = !_syncing;
            _syncing = true;
            return (done.Task, lead);
        }
    }

    // Syncs until no one waits. A caller leading inline syncs once and hands the rest to the thread pool, so its own
    // write is not held up serving later ones.
    void Run(bool handOff)
    {
        while (true)
        {
            long upTo;
            lock (_lock) upTo = _appended;
            Exception? failure = null;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                sync();
                Diagnostics.EngineMetrics.LogSyncDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            var done = new List<TaskCompletionSource>();
            bool more;
            lock (_lock)
            {
                if (failure is null) Volatile.Write(ref _durable, Math.Max(_durable, upTo));
                _waiters.RemoveAll(w =>
                {
                    if (w.Sequence > upTo) return false;
                    done.Add(w.Done);
                    return true;
                });
                more = _waiters.Count > 0;
                if (!more) _syncing = false;
            }
            if (failure is null) synced(upTo);
            foreach (var waiter in done)
                if (failure is null) waiter.TrySetResult();
                else waiter.TrySetException(failure);
            if (!more) return;
            if (handOff)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.Run(handOff: false), this, preferLocal: false);
                return;
            }
        }
    }
}
