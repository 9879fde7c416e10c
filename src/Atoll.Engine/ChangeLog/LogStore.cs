using Atoll.Engine.Snapshots;
using Atoll.Engine.Storage;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// The one place that knows where a database's history lives. On local disk, beside the database file:
/// <c>log/&lt;first sequence&gt;.seg</c> (segments), <c>log/index|pages|state</c> (the persisted index) and
/// <c>snapshots/&lt;sequence&gt;.db</c>. In the object store, under the database's prefix:
/// <c>log/&lt;sequence&gt;.entry</c> (one encoded entry each), <c>snapshots/&lt;sequence&gt;.db</c> and
/// <c>owners/&lt;epoch&gt;</c> (claimed epochs). Appending, reading, hydrating, expiring and deleting go through it.
/// </summary>
internal sealed class LogStore : IDisposable
{
    readonly ChangeLogOptions _options;
    readonly LogSegments _segments;

    LogStore(string databasePath, ChangeLogOptions options, LogIndex index, LogIndexFile.State? clean)
    {
        _options = options;
        DatabasePath = databasePath;
        Folder = FolderOf(databasePath);
        _segments = new LogSegments(LogFolder(Folder));
        Index = index;
        CleanClose = clean;
        Snapshots = new SnapshotStore(Path.Combine(Folder, "snapshots"), options.ObjectStore, options.ObjectPrefix);
    }

    public string DatabasePath { get; }
    public string Folder { get; }
    public LogIndex Index { get; }
    public SnapshotStore Snapshots { get; }
    public IObjectStore? Remote => _options.ObjectStore;

    /// <summary>The state saved by the last clean close when it still matches the files (the open read nothing else); else null.</summary>
    public LogIndexFile.State? CleanClose { get; }

    static string FolderOf(string databasePath) => Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
    static string LogFolder(string folder) => Path.Combine(folder, "log");

    public string EntryKey(long sequence) => $"{_options.ObjectPrefix}log/{sequence:x16}.entry";

    /// <summary>
    /// Opens the local log. After a clean close (the saved state matches the segments and the file) nothing but the
    /// state is read; after a crash, the saved index plus a scan of the tail past it; with no saved index, every segment.
    /// </summary>
    public static LogStore Open(string databasePath, ChangeLogOptions options)
    {
        var logFolder = LogFolder(FolderOf(databasePath));
        var state = LogIndexFile.ReadState(logFolder);
        var segments = new LogSegments(logFolder);
        if (state is null) return new LogStore(databasePath, options, new LogIndex(segments.Scan()), null);
        var paths = segments.SegmentPaths();
        var lastPath = paths.LastOrDefault();
        var file = new FileInfo(databasePath);
        var clean = (lastPath is null ? state.LastSegment < 0 : LogIndexFile.SegmentId(lastPath) == state.LastSegment
                && new FileInfo(lastPath).Length == state.SegmentEnd)
            && file.Exists && file.Length == state.FileSize && file.LastWriteTimeUtc.Ticks == state.FileTime
            && !File.Exists(databasePath + "-wal");
        if (clean)
            return new LogStore(databasePath, options, new LogIndex(() => LogIndexFile.ReadRecords(logFolder, state.Records), state.Last), state);
        // A crash since: the saved records are a prefix of the log; only what was appended after them is scanned.
        var positions = LogIndexFile.ReadRecords(logFolder, state.Records);
        var tail = state.LastSegment >= 0 && File.Exists(LogIndexFile.SegmentPath(logFolder, state.LastSegment))
            ? segments.Scan(state.LastSegment, state.SegmentEnd)
            : segments.Scan();
        if (tail.Count > 0 && positions.Count > 0 && tail[0].Sequence <= positions[^1].Sequence) positions = tail; // not a prefix after all
        else positions.AddRange(tail);
        return new LogStore(databasePath, options, new LogIndex(positions), null);
    }

    /// <summary>Appends an entry to the local log (durable after <see cref="Sync"/>) and indexes it.</summary>
    public LogPosition Append(LogEntry entry)
    {
        var position = _segments.Append(entry);
        Index.Add(position);
        return position;
    }

    public void Sync() => _segments.Sync();

    public static LogEntry Read(LogPosition position) => LogSegments.Read(position);

    /// <summary>Saves the index at a clean close; the database file is closed and synced by now.</summary>
    public void SaveIndex(PageChecksum checksum, long shipped)
    {
        _segments.Dispose();
        var (segment, end) = _segments.Tail();
        var file = new FileInfo(DatabasePath);
        if (!file.Exists) return;
        // Still deferred (only possible after a clean open): the new positions go after the saved ones.
        var positions = Index.ToPersist(out var append);
        LogIndexFile.Save(_segments.Folder, positions, append, CleanClose ?? Empty,
            new LogIndexFile.State(0, segment, end, file.Length, file.LastWriteTimeUtc.Ticks, checksum.Value, checksum.PageSize, checksum.Pages,
                shipped, Index.Last), checksum);
    }

    static readonly LogIndexFile.State Empty = new(0, -1, 0, 0, 0, 0, 0, 0, -1, null);

    /// <summary>The rolling checksum saved at the clean close, its per-page hashes read on first change.</summary>
    public PageChecksum? SavedChecksum()
    {
        if (CleanClose is not { } state || state.PageSize == 0) return null;
        var folder = _segments.Folder;
        return File.Exists(LogIndexFile.PagesPath(folder))
            ? PageChecksum.Deferred(state.PageSize, state.Pages, state.Checksum, () => LogIndexFile.ReadPages(folder, state.Pages))
            : null;
    }

    /// <summary>
    /// Brings a database's history back from the object store when its local files are gone: every entry into a local
    /// segment, up to the first hole (what lies beyond it was never acknowledged and is removed), and the newest snapshot
    /// that hashes to what the log recorded at its sequence (a torn one, left by an upload cut short, is passed over).
    /// </summary>
    public static async Task HydrateAsync(string databasePath, ChangeLogOptions options, CancellationToken cancellationToken)
    {
        var store = options.ObjectStore!;
        var folder = FolderOf(databasePath);
        var segments = new LogSegments(LogFolder(folder));
        var recorded = new Dictionary<long, ulong>();
        try
        {
            var local = segments.Scan();
            foreach (var position in local) recorded[position.Sequence] = position.ChecksumAfter;
            var last = local.Count > 0 ? local[^1].Sequence : -1;
            var checksum = local.Count > 0 ? local[^1].ChecksumAfter : 0UL;
            var keys = await store.ListAsync($"{options.ObjectPrefix}log/", cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < keys.Count; i++)
            {
                var sequence = SequenceOf(keys[i]);
                if (sequence <= last) continue;
                await using var stream = await store.GetAsync(keys[i], cancellationToken).ConfigureAwait(false);
                if (stream is null) continue;
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                var entry = LogEntry.TryDecode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))
                    ?? throw new InvalidDataException($"object {keys[i]} is not a valid log entry");
                // A hole (only a baseline, which has its own snapshot, may follow a gap), or an entry that does not
                // continue the state before it: the end of the surviving history.
                var continues = entry.Kind == LogEntryKind.Baseline || (sequence == last + 1 && (last < 0 || entry.ChecksumBefore == checksum));
                if (last >= 0 && !continues)
                {
                    foreach (var orphan in keys.Skip(i)) await store.DeleteAsync(orphan, cancellationToken).ConfigureAwait(false);
                    break;
                }
                segments.Append(entry);
                recorded[sequence] = entry.ChecksumAfter;
                last = sequence;
                checksum = entry.ChecksumAfter;
            }
        }
        finally
        {
            segments.Dispose();
        }
        LogIndexFile.Invalidate(LogFolder(folder));
        var snapshots = new SnapshotStore(Path.Combine(folder, "snapshots"), store, options.ObjectPrefix);
        var remote = await snapshots.RemoteAsync(cancellationToken).ConfigureAwait(false);
        for (var i = remote.Count - 1; i >= 0; i--)
        {
            if (snapshots.Local().Contains(remote[i])) return;
            Directory.CreateDirectory(snapshots.Folder);
            var path = snapshots.LocalPath(remote[i]);
            await using (var source = await store.GetAsync(snapshots.Key(remote[i]), cancellationToken).ConfigureAwait(false))
            {
                if (source is null) continue;
                await using var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write);
                await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            if (recorded.TryGetValue(remote[i], out var expected) && !Reconstruction.SnapshotMatches(path + ".tmp", expected))
            {
                File.Delete(path + ".tmp"); // torn: left as it is (it may be another owner's upload under way); an older one serves
                continue;
            }
            File.Move(path + ".tmp", path, overwrite: true);
            return;
        }
    }

    /// <summary>Drops the history before <paramref name="keepFrom"/> (a snapshot): local segments and snapshots, then the store's copies.</summary>
    public async Task ExpireBeforeAsync(long keepFrom, CancellationToken cancellationToken)
    {
        var all = Index.All();
        _segments.DeleteBefore(keepFrom, all);
        var expired = Index.RemoveBefore(keepFrom, p => !File.Exists(p.Segment));
        Snapshots.DeleteLocalBefore(keepFrom);
        if (Remote is not { } store) return;
        foreach (var position in expired) await store.DeleteAsync(EntryKey(position.Sequence), cancellationToken).ConfigureAwait(false);
        foreach (var snapshot in (await Snapshots.RemoteAsync(cancellationToken).ConfigureAwait(false)).Where(s => s < keepFrom))
            await store.DeleteAsync(Snapshots.Key(snapshot), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes everything of a database: its local folder and, when there is a store, every object under its prefix.</summary>
    public static async Task DeleteAsync(string databasePath, ChangeLogOptions options, CancellationToken cancellationToken)
    {
        var folder = FolderOf(databasePath);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        if (options.ObjectStore is not { } store) return;
        foreach (var key in await store.ListAsync(options.ObjectPrefix, cancellationToken).ConfigureAwait(false))
            await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
    }

    static long SequenceOf(string key) => Convert.ToInt64(Path.GetFileNameWithoutExtension(key), 16);

    public void Dispose() => _segments.Dispose();
}
