namespace Atoll.Engine.ChangeLog;

/// <summary>
/// Applies log entries' page images to a database file in place, checking the rolling checksum before and after each
/// one, so a file that drifted from the log is caught at the entry where it happened. Restore and reconstruction use it
/// on a temp file; a replica uses it on its live file.
/// </summary>
/// <remarks>
/// The file must have no pending WAL (checkpointed) and no reader may read it during an apply: SQLite readers cache
/// pages and would not see them change. Restore closes its readers around the swap; a replica holds its readers off
/// the same way (or reads from a copy it swaps in). The applier itself holds the file exclusively while open.
/// </remarks>
internal sealed class PageApplier : IDisposable
{
    readonly FileStream _file;

    PageApplier(FileStream file, PageChecksum checksum)
    {
        _file = file;
        Checksum = checksum;
    }

    /// <summary>The rolling checksum of the file as applied so far.</summary>
    public PageChecksum Checksum { get; }

    /// <summary>Opens <paramref name="path"/> (hashing it once) to apply entries to it.</summary>
    /// <exception cref="InvalidOperationException">The file has WAL frames not yet checkpointed into it.</exception>
    public static PageApplier Open(string path, int pageSize)
    {
        if (new FileInfo(path + "-wal") is { Exists: true, Length: > 0 })
            throw new InvalidOperationException($"{path} has a WAL that is not checkpointed: page images cannot be applied under it.");
        var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.RandomAccess);
        try
        {
            return new PageApplier(file, PageChecksum.OfFile(file, pageSize));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> to apply entries to it, trusting <paramref name="checksum"/> as its current state (a
    /// replica keeps it between batches instead of hashing the whole file each time); the checks of every entry still hold.
    /// </summary>
    public static PageApplier Open(string path, PageChecksum checksum)
    {
        if (new FileInfo(path + "-wal") is { Exists: true, Length: > 0 })
            throw new InvalidOperationException($"{path} has a WAL that is not checkpointed: page images cannot be applied under it.");
        return new PageApplier(new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.RandomAccess), checksum);
    }

    /// <summary>Applies one entry (a baseline only checks the state it names).</summary>
    /// <exception cref="InvalidDataException">The file was not in the state the entry starts from, or did not end in the state it records.</exception>
    public void Apply(LogEntry entry)
    {
        if (entry.Kind == LogEntryKind.Commit && Checksum.Value != entry.ChecksumBefore)
            throw new InvalidDataException($"entry {entry.Sequence} starts from checksum {entry.ChecksumBefore:x16}; the file has {Checksum.Value:x16}");
        if (entry.Kind != LogEntryKind.Baseline)
        {
            Checksum.Resize(entry.DatabasePages);
            foreach (var page in entry.Pages)
            {
                RandomAccess.Write(_file.SafeFileHandle, page.Data, (long)(page.Number - 1) * entry.PageSize);
                Checksum.Set(page.Number, page.Data);
            }
            _file.SetLength((long)entry.DatabasePages * entry.PageSize);
        }
        if (Checksum.Value != entry.ChecksumAfter)
            throw new InvalidDataException($"after entry {entry.Sequence} the file has checksum {Checksum.Value:x16}, the log recorded {entry.ChecksumAfter:x16}");
    }

    /// <summary>Makes what was applied durable.</summary>
    public void Flush() => _file.Flush(flushToDisk: true);

    public void Dispose() => _file.Dispose();
}
