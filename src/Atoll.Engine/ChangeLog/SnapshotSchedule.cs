namespace Atoll.Engine.ChangeLog;

/// <summary>
/// Takes a snapshot every <see cref="ChangeLogOptions.SnapshotEveryCommits"/> commits or <see cref="ChangeLogOptions.SnapshotInterval"/>,
/// built off the write path from the previous snapshot and the log, and expires history past retention. A failed
/// snapshot is retried with backoff (the schedule advances only once one succeeds); expiry runs in its own step, so a
/// failing snapshot does not stop it. Every failure is counted and reported.
/// </summary>
internal sealed class SnapshotSchedule
{
    readonly LogStore _log;
    readonly ChangeLogOptions _options;
    readonly ChangeLogCounters _counters;
    readonly Action<long> _taken;
    readonly CancellationTokenSource _stop = new();
    long _lastSnapshot;
    long _lastSnapshotTime;
    Task _background = Task.CompletedTask;

    /// <summary>Schedules snapshots of <paramref name="log"/>; the last local snapshot counts as the latest.</summary>
    /// <param name="log">The history snapshots are built from.</param>
    /// <param name="options">Schedule, retention and clock.</param>
    /// <param name="counters">Where snapshots and failures are counted.</param>
    /// <param name="taken">Told each new snapshot's sequence (to upload it).</param>
    public SnapshotSchedule(LogStore log, ChangeLogOptions options, ChangeLogCounters counters, Action<long> taken)
    {
        _log = log;
        _options = options;
        _counters = counters;
        _taken = taken;
        var local = log.Snapshots.Local();
        _lastSnapshot = local.Count > 0 ? local[^1] : -1;
        _lastSnapshotTime = Now;
    }

    long Now => _options.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Completes when no snapshot or expiry is running.</summary>
    public Task Idle => _background;

    /// <summary>A baseline saved its own snapshot at <paramref name="sequence"/>.</summary>
    public void Saved(long sequence)
    {
        _lastSnapshot = sequence;
        _taken(sequence);
    }

    /// <summary>After each commit: starts a snapshot when one is due and none is running.</summary>
    public void Committed(long sequence)
    {
        if (!_background.IsCompleted) return;
        if (sequence - _lastSnapshot < _options.SnapshotEveryCommits && Now - _lastSnapshotTime < _options.SnapshotInterval.TotalMilliseconds) return;
        _background = Task.Run(() => RunAsync(sequence));
    }

    async Task RunAsync(long sequence)
    {
        await ExpireAsync(_stop.Token).ConfigureAwait(false);
        var delay = _options.SnapshotRetryDelay;
        while (!_stop.IsCancellationRequested)
        {
            var temp = _log.Snapshots.LocalPath(sequence) + ".building";
            try
            {
                await Reconstruction.BuildAsync(_log, sequence, temp, _stop.Token).ConfigureAwait(false);
                File.Move(temp, _log.Snapshots.LocalPath(sequence), overwrite: true);
                _lastSnapshot = sequence;
                _lastSnapshotTime = Now;
                _counters.SnapshotTaken();
                _taken(sequence);
                return;
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                File.Delete(temp);
                _counters.SnapshotFailed();
                _options.OnFailure?.Invoke($"snapshot {sequence} of {_options.ObjectPrefix} failed; retrying in {delay.TotalSeconds:0.#} s", ex);
                try
                {
                    await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(5).Ticks));
            }
            catch (OperationCanceledException)
            {
                File.Delete(temp);
                return;
            }
        }
    }

    /// <summary>Drops what Time Travel can no longer reach: everything before the newest snapshot older than the retention window.</summary>
    public async Task ExpireAsync(CancellationToken cancellationToken)
    {
        try
        {
            var cutoff = Now - (long)_options.Retention.TotalMilliseconds;
            long keepFrom = -1;
            foreach (var snapshot in _log.Snapshots.Local())
                if (_log.Index.Find(snapshot) is { } p && p.CommitTimeMs <= cutoff) keepFrom = snapshot;
            if (keepFrom >= 0) await _log.ExpireBeforeAsync(keepFrom, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _counters.ExpiryFailed();
            _options.OnFailure?.Invoke($"expiring the history of {_options.ObjectPrefix} failed; retried with the next snapshot", ex);
        }
    }

    /// <summary>Stops a retrying snapshot and waits for the background work.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _background.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Nothing to undo: a half-built snapshot is a temp file, removed above.
        }
        _stop.Dispose();
    }
}
