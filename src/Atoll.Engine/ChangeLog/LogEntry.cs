using System.Buffers.Binary;
using System.IO.Hashing;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// One entry of a database's change log: a commit's page images (or a baseline/restore marker), the database size
/// after it, the rolling checksum of the whole database before and after, the epoch of the owner that published it, and
/// the commit's <see cref="WriteReceipt"/> when its request carried an id.
/// </summary>
/// <remarks>
/// Format v2 ("ATL2") is v1 ("ATL1") with the owner's epoch after the page count; v1 entries still decode (epoch 0).
/// Format v3 ("ATL3") is v2 with the receipt's length after the epoch and the receipt after the pages; it is written only
/// for a commit that has a receipt, so a log without request ids stays v2 byte for byte.
/// Everything is little-endian; a CRC-32 of header, pages and receipt closes the entry.
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
    long Epoch = 0,
    byte[]? Receipt = null)
{
    const uint MagicV1 = 0x314C5441; // "ATL1", little-endian
    const uint MagicV2 = 0x324C5441; // "ATL2"
    const uint MagicV3 = 0x334C5441; // "ATL3"
    const int HeaderSizeV1 = 4 + 1 + 3 + 8 + 8 + 8 + 4 + 4 + 8 + 8 + 4;
    const int HeaderSizeV2 = HeaderSizeV1 + 8;
    const int HeaderSizeV3 = HeaderSizeV2 + 4;

    /// <summary>The bytes to read from an entry's start to find its receipt (<see cref="ReceiptRange"/>).</summary>
    public const int ReceiptHeaderBytes = HeaderSizeV3;

    int HeaderSize => Receipt is null ? HeaderSizeV2 : HeaderSizeV3;

    /// <summary>Encoded size in bytes (format v2, or v3 with a receipt), CRC included.</summary>
    public int EncodedLength => HeaderSize + Pages.Count * (4 + PageSize) + (Receipt?.Length ?? 0) + 4;

    /// <summary>Writes the entry: a fixed header, the pages, and a CRC-32 of all of it.</summary>
    public void Encode(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Receipt is null ? MagicV2 : MagicV3);
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
        if (Receipt is not null) BinaryPrimitives.WriteInt32LittleEndian(destination[68..], Receipt.Length);
        var offset = HeaderSize;
        foreach (var page in Pages)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], page.Number);
            page.Data.CopyTo(destination[(offset + 4)..]);
            offset += 4 + PageSize;
        }
        if (Receipt is not null)
        {
            Receipt.CopyTo(destination[offset..]);
            offset += Receipt.Length;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], Crc32.HashToUInt32(destination[..offset]));
    }

    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        Encode(bytes);
        return bytes;
    }

    /// <summary>
    /// Reads an entry; null when the bytes are torn or corrupt (CRC mismatch), e.g. the tail of a crashed append. Without
    /// <paramref name="withPages"/> only the header is kept (no pages, no receipt).
    /// </summary>
    public static LogEntry? TryDecode(ReadOnlySpan<byte> source, bool withPages = true)
    {
        if (source.Length < HeaderSizeV1 + 4) return null;
        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(source) switch
        {
            MagicV1 => HeaderSizeV1,
            MagicV2 => HeaderSizeV2,
            MagicV3 => HeaderSizeV3,
            _ => 0,
        };
        if (headerSize == 0 || source.Length < headerSize + 4) return null;
        var pageSize = BinaryPrimitives.ReadInt32LittleEndian(source[32..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(source[56..]);
        var receiptLength = headerSize == HeaderSizeV3 ? BinaryPrimitives.ReadInt32LittleEndian(source[68..]) : 0;
        if (pageSize is < 512 or > 65536 || count < 0 || receiptLength < 0) return null;
        var pagesEnd = headerSize + (long)count * (4 + pageSize);
        var length = pagesEnd + receiptLength;
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
            headerSize >= HeaderSizeV2 ? BinaryPrimitives.ReadInt64LittleEndian(source[60..]) : 0,
            withPages && receiptLength > 0 ? source.Slice((int)pagesEnd, receiptLength).ToArray() : null);
    }

    /// <summary>
    /// Where the receipt of an entry <paramref name="entryLength"/> bytes long lies, from its first
    /// <see cref="ReceiptHeaderBytes"/> bytes: (offset, length) from the entry's start, or null for an entry without one.
    /// Lets a new owner collect recent request ids without reading page images.
    /// </summary>
    public static (int Offset, int Length)? ReceiptRange(ReadOnlySpan<byte> header, int entryLength)
    {
        if (header.Length < HeaderSizeV3 || BinaryPrimitives.ReadUInt32LittleEndian(header) != MagicV3) return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(header[68..]);
        var offset = entryLength - 4 - length;
        return length > 0 && offset >= HeaderSizeV3 ? (offset, length) : null;
    }
}
