using Atoll.Engine.Storage;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// Brings a database's history back from the object store when its local files are gone: every entry into a local
/// segment, and the newest snapshot, so the ordinary rebuild can run from local files.
/// </summary>
internal static class LogHydration
{
    public static async Task FromObjectStoreAsync(string databasePath, ChangeLogOptions options, CancellationToken cancellationToken)
    {
        var store = options.ObjectStore!;
        var folder = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        var segments = new LogSegments(Path.Combine(folder, "log"));
        try
        {
            var local = segments.Scan();
            var last = local.Count > 0 ? local[^1].Sequence : -1;
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
                if (last >= 0 && sequence != last + 1 && entry.Kind != LogEntryKind.Baseline)
                {
                    // A hole: a crash mid-batch while shipping (only a baseline, which has its own snapshot, follows a
                    // gap). What lies beyond it was never acknowledged; removed, so new commits do not land next to it.
                    foreach (var orphan in keys.Skip(i)) await store.DeleteAsync(orphan, cancellationToken).ConfigureAwait(false);
                    break;
                }
                segments.Append(entry);
                last = sequence;
            }
        }
        finally
        {
            segments.Dispose();
        }
        var snapshots = new Snapshots.SnapshotStore(Path.Combine(folder, "snapshots"), store, options.ObjectPrefix);
        var remote = await snapshots.RemoteAsync(cancellationToken).ConfigureAwait(false);
        if (remote.Count == 0 || snapshots.Local().Contains(remote[^1])) return;
        Directory.CreateDirectory(snapshots.Folder);
        await using var source = await store.GetAsync(snapshots.Key(remote[^1]), cancellationToken).ConfigureAwait(false);
        if (source is null) return;
        var path = snapshots.LocalPath(remote[^1]);
        await using (var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write))
        {
            await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        File.Move(path + ".tmp", path, overwrite: true);
    }

    static long SequenceOf(string key) => Convert.ToInt64(Path.GetFileNameWithoutExtension(key), 16);
}
