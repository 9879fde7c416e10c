using System.Buffers.Binary;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// The local copy of a database's change log: segment files <c>log/&lt;first sequence&gt;.seg</c> holding
/// length-prefixed entries, appended and fsynced one commit at a time, rolled at a size limit.
/// </summary>
internal sealed class LogSegments(string folder, long segmentBytes = 16 << 20) : IDisposable
{
    FileStream? _current;
    string? _currentPath;

    public string Folder { get; } = folder;

    /// <summary>Appends an entry and fsyncs it: once this returns, the entry survives a crash.</summary>
    public LogPosition Append(LogEntry entry)
    {
        if (_current is null || _current.Length >= segmentBytes)
        {
            _current?.Dispose();
            Directory.CreateDirectory(Folder);
            _currentPath = Path.Combine(Folder, $"{entry.Sequence:x16}.seg");
            _current = new FileStream(_currentPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1);
            _current.Seek(0, SeekOrigin.End);
        }
        var bytes = new byte[4 + entry.EncodedLength];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, entry.EncodedLength);
        entry.Encode(bytes.AsSpan(4));
        var offset = _current.Length;
        _current.Write(bytes);
        _current.Flush(flushToDisk: true);
        return new LogPosition(entry.Sequence, entry.CommitTimeMs, entry.Kind, entry.TargetSequence, entry.DatabasePages,
            entry.ChecksumAfter, _currentPath!, offset + 4, entry.EncodedLength);
    }

    /// <summary>Reads every intact entry's position, oldest first; a torn tail (a crash mid-append) is cut off.</summary>
    public List<LogPosition> Scan()
    {
        var positions = new List<LogPosition>();
        if (!Directory.Exists(Folder)) return positions;
        foreach (var path in Directory.GetFiles(Folder, "*.seg").Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(path);
            var offset = 0;
            while (offset + 4 <= bytes.Length)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
                var entry = length > 0 && offset + 4 + length <= bytes.Length
                    ? LogEntry.TryDecode(bytes.AsSpan(offset + 4, length), withPages: false) : null;
                if (entry is null) break;
                if (positions.Count == 0 || entry.Sequence > positions[^1].Sequence)
                    positions.Add(new LogPosition(entry.Sequence, entry.CommitTimeMs, entry.Kind, entry.TargetSequence,
                        entry.DatabasePages, entry.ChecksumAfter, path, offset + 4, length));
                offset += 4 + length;
            }
            if (offset < bytes.Length)
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
                file.SetLength(offset);
                file.Flush(flushToDisk: true);
            }
        }
        return positions;
    }

    /// <summary>Reads one entry back, pages included.</summary>
    public static LogEntry Read(LogPosition position)
    {
        using var file = new FileStream(position.Segment, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        var bytes = new byte[position.Length];
        RandomAccess.Read(file.SafeFileHandle, bytes, position.Offset);
        return LogEntry.TryDecode(bytes) ?? throw new InvalidDataException($"log entry {position.Sequence} in {position.Segment} is corrupt");
    }

    /// <summary>Deletes segments that hold only entries before <paramref name="sequence"/>.</summary>
    public void DeleteBefore(long sequence, IReadOnlyList<LogPosition> positions)
    {
        var needed = positions.Where(p => p.Sequence >= sequence).Select(p => p.Segment).ToHashSet();
        foreach (var segment in positions.Select(p => p.Segment).Distinct())
            if (!needed.Contains(segment) && segment != _currentPath) File.Delete(segment);
    }

    public void Dispose() => _current?.Dispose();
}
