using Atoll.Engine.ChangeLog;

namespace Atoll.Engine.Snapshots;

/// <summary>
/// Builds the database file as it was at a sequence number: the newest snapshot at or before it, then every log
/// entry after that snapshot applied in order (page images written in place, the file cut to the committed size),
/// then a check that the rolling checksum equals the one the log recorded for that sequence.
/// </summary>
internal static class Reconstruction
{
    /// <summary>Writes the state at <paramref name="target"/> to <paramref name="output"/> and returns its page checksum.</summary>
    /// <exception cref="D1Exception">No snapshot reaches back that far, or the log has a gap.</exception>
    /// <exception cref="InvalidDataException">The result does not match the recorded checksum.</exception>
    public static async Task<PageChecksum> BuildAsync(ChangeLog.ChangeLog log, long target, string output, CancellationToken cancellationToken)
    {
        var targetPosition = log.Position(target)
            ?? throw new D1Exception(D1ErrorCode.BadRequest, $"No change-log entry for bookmark sequence {target}.");
        var snapshots = log.Snapshots.Local().Concat(await log.Snapshots.RemoteAsync(cancellationToken).ConfigureAwait(false)).Distinct();
        var start = snapshots.Where(s => s <= target).DefaultIfEmpty(-1).Max();
        if (start < 0) throw new D1Exception(D1ErrorCode.BadRequest, $"No snapshot at or before sequence {target}: it is beyond retention.");
        var entries = log.Positions(start, target);
        for (var i = 0; i < entries.Count; i++)
            if (entries[i].Sequence != (i == 0 ? start : entries[i - 1].Sequence) + 1)
                throw new D1Exception(D1ErrorCode.BadRequest, $"The change log between {start} and {target} has a gap: it cannot be replayed.");
        var lastRestore = entries.LastOrDefault(e => e.Kind == LogEntryKind.Restore);
        if (lastRestore is not null)
        {
            // State after an in-place restore = the state it restored, with its own page 1 (the new sequence) on top.
            await BuildAsync(log, lastRestore.TargetSequence, output, cancellationToken).ConfigureAwait(false);
            entries = [.. entries.Where(e => e.Sequence >= lastRestore.Sequence)];
        }
        else
        {
            await log.Snapshots.CopyToAsync(start, output, cancellationToken).ConfigureAwait(false);
        }
        var pageSize = 0;
        await using (var file = new FileStream(output, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.RandomAccess))
        {
            foreach (var position in entries)
            {
                if (position.Kind == LogEntryKind.Baseline) continue;
                var entry = LogSegments.Read(position);
                pageSize = entry.PageSize;
                foreach (var page in entry.Pages)
                    RandomAccess.Write(file.SafeFileHandle, page.Data, (long)(page.Number - 1) * entry.PageSize);
                file.SetLength((long)entry.DatabasePages * entry.PageSize);
            }
            file.Flush(flushToDisk: true);
        }
        var checksum = PageChecksum.OfFile(output, pageSize > 0 ? pageSize : PageSizeOf(output));
        if (checksum.Value != targetPosition.ChecksumAfter)
            throw new InvalidDataException($"rebuilt state at {target} has checksum {checksum.Value:x16}, the log recorded {targetPosition.ChecksumAfter:x16}");
        return checksum;
    }

    /// <summary>The page size from a database file's header (bytes 16–17; 1 means 65536).</summary>
    public static int PageSizeOf(string path)
    {
        Span<byte> header = stackalloc byte[18];
        using var file = File.OpenRead(path);
        if (file.Read(header) < 18) return 4096;
        var size = (header[16] << 8) | header[17];
        return size == 1 ? 65536 : size;
    }
}
