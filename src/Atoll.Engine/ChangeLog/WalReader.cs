using System.Buffers.Binary;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// Reads committed frames out of a database's <c>-wal</c> file: the page images of frames [from, to) — the latest
/// image of each page wins — and the database size the last frame commits.
/// </summary>
/// <remarks>Frames are checked against the header's salts; a mismatch means the WAL is not what SQLite reported.</remarks>
internal sealed class WalReader(string walPath, int pageSize) : IDisposable
{
    const int HeaderSize = 32, FrameHeaderSize = 24;
    FileStream? _file;
    uint _salt1, _salt2;

    /// <summary>The first salt of the header last read; it changes whenever SQLite restarts the WAL.</summary>
    public uint Salt1 => _salt1;

    int FrameSize => FrameHeaderSize + pageSize;

    /// <summary>Re-reads the header (after the WAL restarted) to learn the salts of its frames.</summary>
    public void ReadHeader()
    {
        var file = Open();
        Span<byte> header = stackalloc byte[HeaderSize];
        if (RandomAccess.Read(file.SafeFileHandle, header, 0) != HeaderSize) throw new InvalidDataException("WAL header is missing");
        var magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (magic is not (0x377f0682 or 0x377f0683)) throw new InvalidDataException($"not a WAL file (magic {magic:x8})");
        var walPageSize = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        if (walPageSize != pageSize) throw new InvalidDataException($"WAL page size {walPageSize}, database page size {pageSize}");
        _salt1 = BinaryPrimitives.ReadUInt32BigEndian(header[16..]);
        _salt2 = BinaryPrimitives.ReadUInt32BigEndian(header[20..]);
    }

    /// <summary>The pages written by frames [<paramref name="from"/>, <paramref name="to"/>) and the database size in pages after the last.</summary>
    public (List<PageImage> Pages, uint DatabasePages) Read(int from, int to)
    {
        var file = Open();
        var latest = new Dictionary<uint, byte[]>();
        var frame = new byte[FrameSize];
        uint databasePages = 0;
        for (var i = from; i < to; i++)
        {
            var read = RandomAccess.Read(file.SafeFileHandle, frame, HeaderSize + (long)i * FrameSize);
            if (read != FrameSize) throw new InvalidDataException($"WAL frame {i} is short ({read} bytes)");
            var salt1 = BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(8));
            var salt2 = BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(12));
            if (salt1 != _salt1 || salt2 != _salt2) throw new InvalidDataException($"WAL frame {i} has stale salts");
            var page = BinaryPrimitives.ReadUInt32BigEndian(frame);
            latest[page] = frame.AsSpan(FrameHeaderSize).ToArray();
            var commit = BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(4));
            if (commit != 0) databasePages = commit;
        }
        if (databasePages == 0) throw new InvalidDataException($"WAL frames {from}..{to} end without a commit frame");
        var pages = latest.Where(p => p.Key <= databasePages).OrderBy(p => p.Key).Select(p => new PageImage(p.Key, p.Value)).ToList();
        return (pages, databasePages);
    }

    FileStream Open() => _file ??= new FileStream(walPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.RandomAccess);

    public void Dispose() => _file?.Dispose();
}
