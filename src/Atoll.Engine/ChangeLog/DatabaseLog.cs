using Atoll.Engine.Connections;
using SQLitePCL;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// A database's change log as its writer sees it: captures every commit out of the WAL (the WAL hook tells when) as
/// one entry with the rolling checksum before and after, checkpoints only after capture, and wires the parts: the
/// <see cref="LogStore"/> (where history lives), <see cref="GroupCommit"/> (durable before acknowledged), the
/// <see cref="LogShipper"/> (to the object store) and the <see cref="SnapshotSchedule"/>.
/// </summary>
/// <remarks>Used under the database's write gate, except for the read-only lookups on <see cref="Store"/>.</remarks>
internal sealed class DatabaseLog : IAsyncDisposable
{
    readonly string _databasePath;
    readonly ChangeLogOptions _options;
    readonly WalHook _hook = new();
    readonly GroupCommit _groupCommit;
    WalReader? _wal;
    PageChecksum _checksum = new(4096);
    int _capturedFrames;
    bool _checkpointed = true;
    uint _lastSalt;
    volatile bool _needsBaseline;

    DatabaseLog(string databasePath, ChangeLogOptions options)
    {
        _databasePath = databasePath;
        _options = options;
        Store = LogStore.Open(databasePath, options);
        if (options.ObjectStore is not null)
            // A database created just now has nothing in the store: no need to ask (its first commit waits for the shipper).
            Shipper = new LogShipper(Store, options, Counters, Store.Index.LastSequence,
                options.IsNew && Store.Index.LastSequence < 0 ? -1 : Store.CleanClose is { Shipped: >= 0 } clean ? clean.Shipped : null);
        // Entries are shipped only once synced: the store never holds a commit the local log could lose.
        _groupCommit = new GroupCommit(Store.Index.LastSequence, SyncSegments, upTo => Shipper?.Durable(upTo));
        Snapshots = new SnapshotSchedule(Store, options, Counters, sequence => Shipper?.Snapshot(sequence));
        Receipts = new WriteReceipts(Store, options.Clock);
    }

    public LogStore Store { get; }
    public LogShipper? Shipper { get; }
    public SnapshotSchedule Snapshots { get; }
    public ChangeLogCounters Counters { get; } = new();
    public WriteReceipts Receipts { get; }
    public ChangeLogOptions Options => _options;

    /// <summary>The last logged sequence, or -1 for an empty log.</summary>
    public long LastSequence => Store.Index.LastSequence;

    public static DatabaseLog Open(string databasePath, ChangeLogOptions options) => new(databasePath, options);

    /// <summary>
    /// Brings log and file into line when the database opens. After a clean close the saved checksum is trusted (the
    /// file's size and time are unchanged); otherwise everything is checkpointed into the file and it is hashed, and a
    /// new baseline starts when the file is ahead of its log (a crash after a commit, before its entry was written, so
    /// never acknowledged) or has no log yet. Returns false when the file is behind its log and must be rebuilt.
    /// </summary>
    public bool Attach(Connection writer)
    {
        var sequence = writer.ReadCommitSequence();
        var last = LastSequence;
        if (Store.CleanClose is not null && sequence == last && Store.SavedChecksum() is { } saved && saved.PageSize == writer.PageSize)
            _checksum = saved;
        else
        {
            writer.ExecTrusted("PRAGMA wal_checkpoint(TRUNCATE)");
            sequence = writer.ReadCommitSequence();
            if (sequence < last) return false;
            _checksum = PageChecksum.OfFile(_databasePath, (int)writer.PageSize);
            var lastPosition = last >= 0 ? Store.Index.Last : null;
            if (lastPosition is null || sequence > last || lastPosition.ChecksumAfter != _checksum.Value)
            {
                if (lastPosition is not null && sequence == last)
                {
                    // Same sequence, different content: the file was changed behind the log. Number the new state afresh.
                    sequence = last + 1;
                    writer.ExecTrusted($"{CommitSequence.Pragma(sequence)}; PRAGMA wal_checkpoint(TRUNCATE);");
                    _checksum = PageChecksum.OfFile(_databasePath, (int)writer.PageSize);
                }
                Baseline(sequence);
            }
        }
        _wal = new WalReader(_databasePath + "-wal", (int)writer.PageSize);
        _hook.Install(writer.Handle);
        _capturedFrames = 0;
        _checkpointed = true;
        return true;
    }

    /// <summary>
    /// Captures the commit the writer just made as entry <paramref name="sequence"/>: written to the segment, durable once
    /// <see cref="SyncThrough"/> has covered it (the writer calls it after releasing the write gate).
    /// </summary>
    /// <remarks>A <paramref name="receipt"/> (the request carried an id) goes into the entry and is remembered for retries.</remarks>
    /// <exception cref="D1Exception">The entry could not be written; the next commit starts a new baseline.</exception>
    public void Capture(Connection writer, long sequence, WriteReceipt? receipt)
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
            CaptureFrames(writer, sequence, receipt);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            _needsBaseline = true;
            throw new D1Exception(D1ErrorCode.SqlError, $"D1 DB storage operation failed: the commit was kept but its change-log entry could not be written ({ex.Message}).", inner: ex);
        }
    }

    void CaptureFrames(Connection writer, long sequence, WriteReceipt? receipt)
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
        var entry = new LogEntry(sequence, NextCommitTime(), LogEntryKind.Commit, 0, (int)writer.PageSize, databasePages, before,
            _checksum.Value, pages, Receipt: receipt?.Encode());
        Append(entry);
        if (receipt is not null) Receipts.Add(receipt.RequestId, sequence, entry.CommitTimeMs);
        _capturedFrames = frames;
        if (frames >= _options.CheckpointFrames)
        {
            writer.ExecTrusted("PRAGMA wal_checkpoint(PASSIVE)");
            _checkpointed = true;
        }
        Snapshots.Committed(sequence);
    }

    // The WAL header salts change when SQLite restarts the WAL; frames past our count would then be new.
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

    void Baseline(long sequence)
    {
        Store.Snapshots.SaveLocal(sequence, _databasePath);
        Append(new LogEntry(sequence, NextCommitTime(), LogEntryKind.Baseline, sequence, _checksum.PageSize, _checksum.Pages,
            _checksum.Value, _checksum.Value, []));
        SyncThrough(sequence);
        Snapshots.Saved(sequence);
    }

    void Append(LogEntry entry)
    {
        Store.Append(entry);
        _groupCommit.Appended(entry.Sequence);
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
            Store.Sync();
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
        if (Store.Index.Last is { } last) return Math.Max(now, last.CommitTimeMs);
        // The first entry of a database created earlier than it was first opened: its history starts at creation.
        return _options.CreatedAt is { } created ? Math.Min(now, created.ToUnixTimeMilliseconds()) : now;
    }

    /// <summary>Closes the log. With <paramref name="clean"/> (the database file is closed and synced) the index is saved for a fast reopen.</summary>
    public async ValueTask CloseAsync(bool clean)
    {
        await Snapshots.StopAsync().ConfigureAwait(false);
        _hook.Dispose();
        _wal?.Dispose();
        try
        {
            SyncThrough(long.MaxValue); // and hand the last entries to the shipper
        }
        catch (D1Exception)
        {
            clean = false; // closing the segment below syncs it again; the next open scans the tail
        }
        if (Shipper is not null) await Shipper.DisposeAsync().ConfigureAwait(false);
        if (clean && !_needsBaseline)
        {
            try
            {
                Store.SaveIndex(_checksum, Math.Max(-1, Shipper?.Shipped ?? -1));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                _options.OnFailure?.Invoke($"saving the log index of {_databasePath} failed; the next open scans the log", ex);
            }
        }
        Store.Dispose();
    }

    public ValueTask DisposeAsync() => CloseAsync(clean: false);
}
