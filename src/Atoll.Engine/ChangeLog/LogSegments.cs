using System.Buffers;
using System.Buffers.Binary;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// The local copy of a database's change log: segment files <c>log/&lt;first sequence&gt;.seg</c> holding
/// length-prefixed entries, appended one commit at a time and synced by <see cref="Sync"/>, rolled at a size limit.
/// </summary>
/// <remarks>
/// A segment grows in chunks that are filled and synced when added, and entries are written over the fill: an append
/// then changes no file size, so its sync is a data-only <c>fdatasync</c> (as for SQLite's reused WAL) instead of a
/// journal commit. The fill is 0xFF, not zeros, because virtual disks may leave zero blocks unallocated and allocate
/// them on the first real write; a fill length prefix (-1) marks the end of the entries, and closing a segment cuts
/// the fill off.
/// </remarks>
internal sealed class LogSegments(string folder, long segmentBytes = 16 << 20, int chunkBytes = 1 << 20) : IDisposable
{
    static readonly byte[] Fill = CreateFill();
    const int FirstChunkBytes = 64 << 10;
    readonly Lock _fileLock = new(); // a sync never races a roll to a new segment
    FileStream? _current;
    string? _currentPath;
    long _end;

    public string Folder { get; } = folder;

    /// <summary>Appends an entry (written, not yet synced). Called by one thread at a time (the database's writer).</summary>
    public LogPosition Append(LogEntry entry)
    {
        var length = 4 + entry.EncodedLength;
        if (_current is null || _end >= segmentBytes) Roll(entry.Sequence);
        // A new segment starts with a small chunk and doubles up to chunkBytes: most databases of a large fleet log a few
        // small commits, and filling (and syncing) a whole chunk for each of them was most of their first write's I/O.
        if (_end + length > _current!.Length) Grow(_end + length + Math.Min(chunkBytes, Math.Max(FirstChunkBytes, _current.Length)));
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes, entry.EncodedLength);
            entry.Encode(bytes.AsSpan(4, entry.EncodedLength));
            RandomAccess.Write(_current.SafeFileHandle, bytes.AsSpan(0, length), _end);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
        var offset = _end;
        _end += length;
        return new LogPosition(entry.Sequence, entry.CommitTimeMs, entry.Kind, entry.TargetSequence, entry.DatabasePages,
            entry.ChecksumAfter, _currentPath!, offset + 4, entry.EncodedLength);
    }

    /// <summary>Makes every entry appended before this call durable; safe to call from any thread.</summary>
    public void Sync()
    {
        lock (_fileLock)
            if (_current is not null) FileSync.Data(_current);
    }

    void Roll(long firstSequence)
    {
        lock (_fileLock)
        {
            Close(); // syncs the finished segment: its entries stay durable without further syncs
            Directory.CreateDirectory(Folder);
            _currentPath = Path.Combine(Folder, $"{firstSequence:x16}.seg");
            _current = new FileStream(_currentPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1);
            _end = _current.Length;
        }
    }

    // Fills the current segment up to the new size and syncs it fully (the size changed).
    void Grow(long size)
    {
        lock (_fileLock)
        {
            for (var at = _current!.Length; at < size; at += Fill.Length)
                RandomAccess.Write(_current.SafeFileHandle, Fill.AsSpan(0, (int)Math.Min(Fill.Length, size - at)), at);
            _current.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Reads the positions of the intact entries from segment <paramref name="fromSegment"/> at byte
    /// <paramref name="fromOffset"/> on (everything by default), oldest first; a torn tail (a crash mid-append) and
    /// unused fill are cut off. The newest segment is synced: a process that died before syncing it may have left
    /// entries only in the page cache.
    /// </summary>
    public List<LogPosition> Scan(long fromSegment = long.MinValue, long fromOffset = 0)
    {
        var positions = new List<LogPosition>();
        if (!Directory.Exists(Folder)) return positions;
        var paths = SegmentPaths().Where(p => LogIndexFile.SegmentId(p) >= fromSegment).ToArray();
        foreach (var path in paths)
        {
            var start = LogIndexFile.SegmentId(path) == fromSegment ? fromOffset : 0;
            byte[] bytes;
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1))
            {
                bytes = new byte[Math.Max(0, file.Length - start)];
                RandomAccess.Read(file.SafeFileHandle, bytes, start);
            }
            var offset = 0;
            while (offset + 4 <= bytes.Length)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
                var entry = length > 0 && offset + 4 + length <= bytes.Length
                    ? LogEntry.TryDecode(bytes.AsSpan(offset + 4, length), withPages: false) : null;
                if (entry is null) break;
                if (positions.Count == 0 || entry.Sequence > positions[^1].Sequence)
                    positions.Add(new LogPosition(entry.Sequence, entry.CommitTimeMs, entry.Kind, entry.TargetSequence,
                        entry.DatabasePages, entry.ChecksumAfter, path, start + offset + 4, length));
                offset += 4 + length;
            }
            if (offset < bytes.Length || path == paths[^1])
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
                file.SetLength(start + offset);
                file.Flush(flushToDisk: true);
            }
        }
        return positions;
    }

    /// <summary>The segment files, oldest first.</summary>
    public string[] SegmentPaths()
        => Directory.Exists(Folder) ? [.. Directory.GetFiles(Folder, "*.seg").Order(StringComparer.Ordinal)] : [];

    /// <summary>Where appends ended: the newest segment and its length (after <see cref="Dispose"/>, without fill).</summary>
    public (long Segment, long End) Tail()
    {
        lock (_fileLock)
        {
            if (_currentPath is not null) return (LogIndexFile.SegmentId(_currentPath), _end);
            var last = SegmentPaths().LastOrDefault();
            return last is null ? (-1, 0) : (LogIndexFile.SegmentId(last), new FileInfo(last).Length);
        }
    }

    /// <summary>Reads one entry back, pages included.</summary>
    public static LogEntry Read(LogPosition position)
    {
        using var file = new FileStream(position.Segment, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        var bytes = new byte[position.Length];
        RandomAccess.Read(file.SafeFileHandle, bytes, position.Offset);
        return LogEntry.TryDecode(bytes) ?? throw new InvalidDataException($"log entry {position.Sequence} in {position.Segment} is corrupt");
    }

    /// <summary>The receipt of the entry at <paramref name="position"/> (header and receipt read, no pages), or null when it has none.</summary>
    public static byte[]? ReadReceipt(LogPosition position) => ReadReceipts([position]).Select(r => r.Receipt).FirstOrDefault();

    /// <summary>The receipts of those of <paramref name="positions"/> that have one, each segment opened once.</summary>
    public static IEnumerable<(LogPosition Position, byte[] Receipt)> ReadReceipts(IEnumerable<LogPosition> positions)
    {
        var header = new byte[LogEntry.ReceiptHeaderBytes];
        foreach (var segment in positions.Where(p => p.Kind == LogEntryKind.Commit && p.Length > header.Length).GroupBy(p => p.Segment))
        {
            using var file = new FileStream(segment.Key, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            foreach (var position in segment)
            {
                if (RandomAccess.Read(file.SafeFileHandle, header, position.Offset) < header.Length
                    || LogEntry.ReceiptRange(header, position.Length) is not { } range) continue;
                var receipt = new byte[range.Length];
                if (RandomAccess.Read(file.SafeFileHandle, receipt, position.Offset + range.Offset) == receipt.Length) yield return (position, receipt);
            }
        }
    }

    /// <summary>Deletes segments that hold only entries before <paramref name="sequence"/>.</summary>
    public void DeleteBefore(long sequence, IReadOnlyList<LogPosition> positions)
    {
        var needed = positions.Where(p => p.Sequence >= sequence).Select(p => p.Segment).ToHashSet();
        foreach (var segment in positions.Select(p => p.Segment).Distinct())
            if (!needed.Contains(segment) && segment != _currentPath) File.Delete(segment);
    }

    // A finished segment keeps only its entries, synced.
    void Close()
    {
        if (_current is null) return;
        _current.SetLength(_end);
        _current.Flush(flushToDisk: true);
        _current.Dispose();
        _current = null;
    }

    public void Dispose()
    {
        lock (_fileLock) Close();
    }

    static byte[] CreateFill()
    {
        var fill = new byte[1 << 16];
        fill.AsSpan().Fill(0xFF);
        return fill;
    }
}
