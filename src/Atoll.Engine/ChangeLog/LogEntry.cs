using System.Buffers.Binary;
using System.IO.Hashing;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// One entry of a database's change log: a commit's page images (or a baseline/restore marker), the database size
/// after it, the rolling checksum of the whole database before and after, and the epoch of the owner that published it.
/// </summary>
/// <remarks>
/// Format v2 ("ATL2") is v1 ("ATL1") with the owner's epoch after the page count; v1 entries still decode (epoch 0).
/// Everything is little-endian; a CRC-32 of header and pages closes the entry.
/// </remarks>
internal sealed record LogEntry(
    long Sequence,
    long CommitTimeMs,
    LogEntryKind Kind,
    long TargetSequence,
    int PageSize,
    uint DatabasePages,
    ulong ChecksumBefore,
    ulong ChecksumAfter,
    IReadOnlyList<PageImage> Pages,
    long Epoch = 0)
{
    const uint MagicV1 = 0x314C5441; // "ATL1", little-endian
    const uint MagicV2 = 0x324C5441; // "ATL2"
    const int HeaderSizeV1 = 4 + 1 + 3 + 8 + 8 + 8 + 4 + 4 + 8 + 8 + 4;
    const int HeaderSize = HeaderSizeV1 + 8;

    /// <summary>Encoded size in bytes (format v2), CRC included.</summary>
    public int EncodedLength => HeaderSize + Pages.Count * (4 + PageSize) + 4;

    /// <summary>Writes the entry: a fixed header, the pages, and a CRC-32 of all of it.</summary>
    public void Encode(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, MagicV2);
        destination[4] = (byte)Kind;
        destination[5..8].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], CommitTimeMs);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], TargetSequence);
        BinaryPrimitives.WriteInt32LittleEndian(destination[32..], PageSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[36..], DatabasePages);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[40..], ChecksumBefore);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[48..], ChecksumAfter);
        BinaryPrimitives.WriteInt32LittleEndian(destination[56..], Pages.Count);
        BinaryPrimitives.WriteInt64LittleEndian(destination[60..], Epoch);
        var offset = HeaderSize;
        foreach (var page in Pages)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], page.Number);
            page.Data.CopyTo(destination[(offset + 4)..]);
            offset += 4 + PageSize;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], Crc32.HashToUInt32(destination[..offset]));
    }

    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        Encode(bytes);
        return bytes;
    }

    /// <summary>Reads an entry; null when the bytes are torn or corrupt (CRC mismatch), e.g. the tail of a crashed append.</summary>
    public static LogEntry? TryDecode(ReadOnlySpan<byte> source, bool withPages = true)
    {
        if (source.Length < HeaderSizeV1 + 4) return null;
        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(source) switch
        {
            MagicV1 => HeaderSizeV1,
            MagicV2 => HeaderSize,
            _ => 0,
        };
        if (headerSize == 0 || source.Length < headerSize + 4) return null;
        var pageSize = BinaryPrimitives.ReadInt32LittleEndian(source[32..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(source[56..]);
        if (pageSize is < 512 or > 65536 || count < 0) return null;
        var length = headerSize + (long)count * (4 + pageSize);
        if (source.Length < length + 4) return null;
        if (Crc32.HashToUInt32(source[..(int)length]) != BinaryPrimitives.ReadUInt32LittleEndian(source[(int)length..])) return null;
        var pages = new List<PageImage>(withPages ? count : 0);
        if (withPages)
            for (var i = 0; i < count; i++)
            {
                var at = headerSize + i * (4 + pageSize);
                pages.Add(new PageImage(BinaryPrimitives.ReadUInt32LittleEndian(source[at..]), source.Slice(at + 4, pageSize).ToArray()));
            }
        return new LogEntry(
            BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[16..]),
            (LogEntryKind)source[4],
            BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
            pageSize,
            BinaryPrimitives.ReadUInt32LittleEndian(source[36..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[40..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[48..]),
            pages,
            headerSize == HeaderSize ? BinaryPrimitives.ReadInt64LittleEndian(source[60..]) : 0);
    }
}
