using Atoll.Engine.Connections;
using Atoll.Engine.Snapshots;
using SQLitePCL;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// A database's change log: captures every commit of the writer connection out of the WAL (the WAL hook tells when),
/// appends it as one durable entry with the rolling checksum before and after, checkpoints only after capture, takes
/// snapshots, ships both to the object store, and answers bookmark and timestamp questions.
/// </summary>
/// <remarks>Used under the database's write gate, except for the read-only lookups, which take their own lock.</remarks>
internal sealed class ChangeLog : IAsyncDisposable
{
    readonly string _databasePath;
    readonly ChangeLogOptions _options;
    readonly LogSegments _segments;
    readonly List<LogPosition> _positions;
    readonly Lock _positionsLock = new();
    readonly WalHook _hook = new();
    readonly LogShipper? _shipper;
    readonly GroupCommit _groupCommit;
    WalReader? _wal;
    PageChecksum _checksum = new(4096);
    int _capturedFrames;
    bool _checkpointed = true;
    long _lastSnapshot;
    long _lastSnapshotTime;
    Task _background = Task.CompletedTask;

    ChangeLog(string databasePath, ChangeLogOptions options)
    {
        _databasePath = databasePath;
        _options = options;
        var folder = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        _segments = new LogSegments(Path.Combine(folder, "log"));
        _positions = _segments.Scan();
        // Entries are shipped only once synced: the store never holds a commit the local log could lose.
        _groupCommit = new GroupCommit(_positions.Count > 0 ? _positions[^1].Sequence : -1, SyncSegments,
            entries => { foreach (var entry in entries) _shipper!.Enqueue(EntryKey(entry.Sequence), () => new MemoryStream(entry.Encode()), entry.Sequence); });
        Snapshots = new SnapshotStore(Path.Combine(folder, "snapshots"), options.ObjectStore, options.ObjectPrefix);
        if (options.ObjectStore is { } store) _shipper = new LogShipper(store);
        var local = Snapshots.Local();
        _lastSnapshot = local.Count > 0 ? local[^1] : -1;
        _lastSnapshotTime = options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
    }

    public SnapshotStore Snapshots { get; }

    public ChangeLogOptions Options => _options;

    /// <summary>The last logged sequence, or -1 for an empty log.</summary>
    public long LastSequence
    {
        get { lock (_positionsLock) return _positions.Count > 0 ? _positions[^1].Sequence : -1; }
    }

    public ulong Checksum => _checksum.Value;

    public LogShipper? Shipper => _shipper;

    public static ChangeLog Open(string databasePath, ChangeLogOptions options) => new(databasePath, options);

    public string EntryKey(long sequence) => $"{_options.ObjectPrefix}log/{sequence:x16}.entry";

    /// <summary>
    /// Brings log and file into line when the database opens: checkpoints everything into the file, hashes it, and
    /// starts a new baseline when the file is ahead of its log (a crash after a commit, before its entry was written,
    /// so never acknowledged) or has no log yet. Returns false when the file is behind its log and must be rebuilt.
    /// </summary>
    public bool Attach(Connection writer)
    {
        writer.ExecTrusted("PRAGMA wal_checkpoint(TRUNCATE)");
        var sequence = writer.ReadCommitSequence();
        var last = LastSequence;
        if (sequence < last) return false;
        _checksum = PageChecksum.OfFile(_databasePath, (int)writer.PageSize);
        var lastPosition = last >= 0 ? Position(last) : null;
        if (lastPosition is null || sequence > last || lastPosition.ChecksumAfter != _checksum.Value)
        {
            if (lastPosition is not null && sequence == last)
            {
                // Same sequence, different content: the file was changed behind the log. Number the new state afresh.
                sequence = last + 1;
                writer.ExecTrusted($"PRAGMA user_version = {sequence}; PRAGMA wal_checkpoint(TRUNCATE);");
                _checksum = PageChecksum.OfFile(_databasePath, (int)writer.PageSize);
            }
            Baseline(sequence);
        }
        _wal = new WalReader(_databasePath + "-wal", (int)writer.PageSize);
        _hook.Install(writer.Handle);
        _capturedFrames = 0;
        _checkpointed = true;
        ShipMissing();
        return true;
    }

    /// <summary>
    /// Captures the commit the writer just made as entry <paramref name="sequence"/>: written to the segment, durable once
    /// <see cref="SyncThrough"/> has covered it (the writer calls it after releasing the write gate).
    /// </summary>
    /// <exception cref="D1Exception">The entry could not be written; the next commit starts a new baseline.</exception>
    public void Capture(Connection writer, long sequence)
    {
        try
        {
            if (_needsBaseline)
            {
                // A capture failed earlier: that commit has no entry. Start over from the file as it is now.
                writer.ExecTrusted("PRAGMA wal_checkpoint(TRUNCATE)");
                _checksum = PageChecksum.OfFile(_databasePath, (int)writer.PageSize);
                Baseline(sequence);
                _capturedFrames = 0;
                _checkpointed = true;
                _needsBaseline = false;
                return;
            }
            CaptureFrames(writer, sequence);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            _needsBaseline = true;
            throw new D1Exception(D1ErrorCode.SqlError, $"D1 DB storage operation failed: the commit was kept but its change-log entry could not be written ({ex.Message}).", inner: ex);
        }
    }

    volatile bool _needsBaseline;

    void CaptureFrames(Connection writer, long sequence)
    {
        var frames = _hook.Frames;
        if (_checkpointed)
        {
            // Only this connection checkpoints; after one, the next commit may have restarted the WAL from frame 0.
            _wal!.ReadHeader();
            if (frames <= _capturedFrames || RestartedSinceCheckpoint()) _capturedFrames = 0;
            _checkpointed = false;
        }
        var (pages, databasePages) = _wal!.Read(_capturedFrames, frames);
        var before = _checksum.Value;
        _checksum.Resize(databasePages);
        foreach (var page in pages) _checksum.Set(page.Number, page.Data);
        Append(new LogEntry(sequence, NextCommitTime(), LogEntryKind.Commit, 0, (int)writer.PageSize, databasePages, before,
            _checksum.Value, pages));
        _capturedFrames = frames;
        if (frames >= _options.CheckpointFrames)
        {
            writer.ExecTrusted("PRAGMA wal_checkpoint(PASSIVE)");
            _checkpointed = true;
        }
        MaybeSnapshot(sequence);
    }

    // The WAL header salts change when SQLite restarts the WAL; frames past our count would then be new.
    uint _lastSalt;
    bool RestartedSinceCheckpoint()
    {
        var salt = _wal!.Salt1;
        var restarted = salt != _lastSalt;
        _lastSalt = salt;
        return restarted;
    }

    /// <summary>Records an in-place restore: the state of <paramref name="target"/> with <paramref name="page1"/> (its new sequence) written over it.</summary>
    public void AppendRestore(long sequence, long target, int pageSize, uint databasePages, byte[] page1, PageChecksum restored)
    {
        var before = _checksum.Value;
        _checksum = restored;
        Append(new LogEntry(sequence, NextCommitTime(), LogEntryKind.Restore, target, pageSize, databasePages, before, restored.Value,
            [new PageImage(1, page1)]));
        SyncThrough(sequence);
    }

    /// <summary>Starts over after the file was replaced (a restore): the WAL is new, nothing is captured yet.</summary>
    public void Reattach(Connection writer)
    {
        _wal?.Dispose();
        _wal = new WalReader(_databasePath + "-wal", (int)writer.PageSize);
        _hook.Install(writer.Handle);
        _capturedFrames = 0;
        _checkpointed = true;
    }

    public LogPosition? Position(long sequence)
    {
        lock (_positionsLock)
        {
            int low = 0, high = _positions.Count - 1;
            while (low <= high)
            {
                var middle = (low + high) >>> 1;
                var found = _positions[middle].Sequence;
                if (found == sequence) return _positions[middle];
                if (found < sequence) low = middle + 1;
                else high = middle - 1;
            }
            return null;
        }
    }

    /// <summary>The last entry committed at or before <paramref name="timeMs"/>; null when the log starts later.</summary>
    public LogPosition? AtOrBefore(long timeMs)
    {
        lock (_positionsLock)
        {
            LogPosition? found = null;
            foreach (var position in _positions)
            {
                if (position.CommitTimeMs > timeMs) break;
                found = position;
            }
            return found;
        }
    }

    public LogPosition? First
    {
        get { lock (_positionsLock) return _positions.Count > 0 ? _positions[0] : null; }
    }

    public IReadOnlyList<LogPosition> Positions(long after, long upTo)
    {
        lock (_positionsLock) return [.. _positions.Where(p => p.Sequence > after && p.Sequence <= upTo)];
    }

    void Baseline(long sequence)
    {
        Snapshots.SaveLocal(sequence, _databasePath);
        ShipSnapshot(sequence);
        _lastSnapshot = sequence;
        Append(new LogEntry(sequence, NextCommitTime(), LogEntryKind.Baseline, sequence, _checksum.PageSize, _checksum.Pages,
            _checksum.Value, _checksum.Value, []));
        SyncThrough(sequence);
    }

    void Append(LogEntry entry)
    {
        var position = _segments.Append(entry);
        lock (_positionsLock) _positions.Add(position);
        _groupCommit.Appended(entry, keep: _shipper is not null);
    }

    /// <summary>Returns once every entry up to <paramref name="sequence"/> is durable (see <see cref="GroupCommit"/>).</summary>
    /// <exception cref="D1Exception">The log could not be synced; the commits stay, the next one starts a new baseline.</exception>
    public void SyncThrough(long sequence) => _groupCommit.WaitFor(sequence);

    /// <inheritdoc cref="SyncThrough"/>
    public Task SyncThroughAsync(long sequence) => _groupCommit.WaitForAsync(sequence);

    void SyncSegments()
    {
        try
        {
            _segments.Sync();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _needsBaseline = true;
            throw new D1Exception(D1ErrorCode.SqlError,
                $"D1 DB storage operation failed: the commit was kept but its change-log entry could not be synced ({ex.Message}).", inner: ex);
        }
    }

    long NextCommitTime()
    {
        // Commit times never go backwards, so "the last commit at or before T" is well defined.
        var now = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_positionsLock) return _positions.Count > 0 ? Math.Max(now, _positions[^1].CommitTimeMs) : now;
    }

    void ShipSnapshot(long sequence) => _shipper?.Enqueue(Snapshots.Key(sequence), () => ReadSnapshot(sequence), -1);

    FileStream ReadSnapshot(long sequence)
        => new(Snapshots.LocalPath(sequence), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);

    /// <summary>
    /// Queues what the object store lacks: entries and snapshots written while it was unreachable, before this open.
    /// It runs in the upload queue, ahead of every later commit, and is retried like an upload while the store is
    /// down: uploads stay in log order, and no write waiting for its upload is answered while the store has a gap.
    /// </summary>
    void ShipMissing()
    {
        if (_shipper is null) return;
        var upTo = LastSequence; // later entries are queued by their own commits
        _shipper.Enqueue(async (store, cancellationToken) =>
        {
            // Listed again on every try: expiry may have dropped entries and snapshots in between.
            var remote = (await store.ListAsync($"{_options.ObjectPrefix}log/", cancellationToken).ConfigureAwait(false)).ToHashSet();
            List<LogPosition> missing;
            lock (_positionsLock) missing = [.. _positions.Where(p => p.Sequence <= upTo && !remote.Contains(EntryKey(p.Sequence)))];
            foreach (var position in missing)
            {
                await using var entry = new MemoryStream(LogSegments.Read(position).Encode());
                await store.PutAsync(EntryKey(position.Sequence), entry, cancellationToken).ConfigureAwait(false);
            }
            var remoteSnapshots = (await Snapshots.RemoteAsync(cancellationToken).ConfigureAwait(false)).ToHashSet();
            foreach (var snapshot in Snapshots.Local().Where(s => !remoteSnapshots.Contains(s)))
            {
                await using var file = ReadSnapshot(snapshot);
                await store.PutAsync(Snapshots.Key(snapshot), file, cancellationToken).ConfigureAwait(false);
            }
        }, upTo);
    }

    void MaybeSnapshot(long sequence)
    {
        var now = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (!_background.IsCompleted) return;
        if (sequence - _lastSnapshot < _options.SnapshotEveryCommits && now - _lastSnapshotTime < _options.SnapshotInterval.TotalMilliseconds) return;
        _lastSnapshot = sequence;
        _lastSnapshotTime = now;
        // Built from the previous snapshot and the log, off the write path: the live file is never touched.
        _background = Task.Run(async () =>
        {
            var temp = Snapshots.LocalPath(sequence) + ".building";
            try
            {
                await Reconstruction.BuildAsync(this, sequence, temp, CancellationToken.None).ConfigureAwait(false);
                File.Move(temp, Snapshots.LocalPath(sequence), overwrite: true);
            }
            catch (Exception)
            {
                Diagnostics.EngineMetrics.SnapshotFailures.Add(1);
                throw;
            }
            ShipSnapshot(sequence);
            await ExpireAsync(CancellationToken.None).ConfigureAwait(false);
        });
    }

    /// <summary>Drops what Time Travel can no longer reach: everything before the newest snapshot older than the retention window.</summary>
    public async Task ExpireAsync(CancellationToken cancellationToken)
    {
        var cutoff = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)_options.Retention.TotalMilliseconds;
        var snapshots = Snapshots.Local();
        long keepFrom = -1;
        foreach (var snapshot in snapshots)
            if (Position(snapshot) is { } p && p.CommitTimeMs <= cutoff) keepFrom = snapshot;
        if (keepFrom < 0) return;
        List<LogPosition> expired;
        lock (_positionsLock)
        {
            expired = _positions.Where(p => p.Sequence < keepFrom).ToList();
            _segments.DeleteBefore(keepFrom, _positions);
            _positions.RemoveAll(p => p.Sequence < keepFrom && !File.Exists(p.Segment));
        }
        Snapshots.DeleteLocalBefore(keepFrom);
        if (_options.ObjectStore is { } store)
        {
            foreach (var position in expired) await store.DeleteAsync(EntryKey(position.Sequence), cancellationToken).ConfigureAwait(false);
            foreach (var snapshot in (await Snapshots.RemoteAsync(cancellationToken).ConfigureAwait(false)).Where(s => s < keepFrom))
                await store.DeleteAsync(Snapshots.Key(snapshot), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for background snapshot work (tests, shutdown).</summary>
    public Task Idle => _background;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _background.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A failed background snapshot is retried on the next commit; nothing to undo here.
        }
        _hook.Dispose();
        _wal?.Dispose();
        try
        {
            SyncThrough(long.MaxValue); // and hand the last entries to the shipper
        }
        catch (D1Exception)
        {
            // Closing the segment below syncs it again; what the store lacks is shipped on the next open.
        }
        _segments.Dispose();
        if (_shipper is not null) await _shipper.DisposeAsync().ConfigureAwait(false);
    }
}
