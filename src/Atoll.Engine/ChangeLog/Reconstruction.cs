namespace Atoll.Engine.ChangeLog;

/// <summary>
/// Builds the database file as it was at a sequence number: the newest snapshot at or before it, then every log
/// entry after that snapshot applied in order by the <see cref="PageApplier"/>, which checks the rolling checksum the
/// log recorded at every step.
/// </summary>
internal static class Reconstruction
{
    /// <summary>Writes the state at <paramref name="target"/> to <paramref name="output"/> and returns its page checksum.</summary>
    /// <remarks>
    /// A snapshot that does not hash to what the log recorded at its sequence (an upload cut short left a torn object
    /// behind) is passed over for the next older one: a history whose entries are all there still rebuilds.
    /// </remarks>
    /// <exception cref="D1Exception">No snapshot reaches back that far, or the log has a gap.</exception>
    /// <exception cref="InvalidDataException">The result does not match the recorded checksum, or no usable snapshot is left.</exception>
    public static async Task<PageChecksum> BuildAsync(LogStore log, long target, string output, CancellationToken cancellationToken)
    {
        var targetPosition = log.Index.Find(target)
            ?? throw new D1Exception(D1ErrorCode.BadRequest, $"No change-log entry for bookmark sequence {target}.");
        var snapshots = log.Snapshots.Local().Concat(await log.Snapshots.RemoteAsync(cancellationToken).ConfigureAwait(false))
            .Distinct().Where(s => s <= target).OrderDescending().ToList();
        if (snapshots.Count == 0) throw new D1Exception(D1ErrorCode.BadRequest, $"No snapshot at or before sequence {target}: it is beyond retention.");
        List<long> torn = [];
        foreach (var start in snapshots)
        {
            var entries = log.Index.Range(start, target);
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
            using var applier = PageApplier.Open(output, PageSizeOf(output));
            if (lastRestore is null && log.Index.Find(start) is { } at && applier.Checksum.Value != at.ChecksumAfter)
            {
                torn.Add(start);
                continue;
            }
            foreach (var position in entries) applier.Apply(position.Kind == LogEntryKind.Baseline ? BaselineOf(position) : LogStore.Read(position));
            applier.Flush();
            if (applier.Checksum.Value != targetPosition.ChecksumAfter)
                throw new InvalidDataException($"rebuilt state at {target} has checksum {applier.Checksum.Value:x16}, the log recorded {targetPosition.ChecksumAfter:x16}");
            return applier.Checksum;
        }
        throw new InvalidDataException($"no snapshot at or before {target} matches its log entry (torn: {string.Join(", ", torn)}): the state cannot be rebuilt.");
    }

    /// <summary>True when the snapshot file at <paramref name="path"/> hashes to <paramref name="expected"/>, the checksum the log recorded at its sequence.</summary>
    public static bool SnapshotMatches(string path, ulong expected) => PageChecksum.OfFile(path, PageSizeOf(path)).Value == expected;

    // A baseline has no pages to read: its position says all the applier checks.
    static LogEntry BaselineOf(LogPosition position) => new(position.Sequence, position.CommitTimeMs, LogEntryKind.Baseline,
        position.TargetSequence, 0, position.DatabasePages, position.ChecksumAfter, position.ChecksumAfter, []);

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
