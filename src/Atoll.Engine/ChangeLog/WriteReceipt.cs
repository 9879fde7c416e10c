using System.Buffers.Binary;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// What a write that carried a request id answered, kept in its commit's log entry so it is exactly as durable as the
/// commit: a retry of the same request (its first answer lost with a node that went away) is answered from here, by
/// whichever node owns the database by then, instead of running a second time.
/// </summary>
/// <remarks>
/// Layout, little-endian: the id (16 bytes), the result count, the totals, then the result's JSON — or no JSON and a
/// negative count when it was larger than <see cref="MaxJsonBytes"/> (a retry then learns only that the write was applied).
/// </remarks>
internal sealed record WriteReceipt(Guid RequestId, EncodedResult Result)
{
    /// <summary>Results up to this size are kept whole; a write's answer is a few hundred bytes unless it returns rows.</summary>
    public const int MaxJsonBytes = 1 << 20;

    const int FixedSize = 16 + 4 + 8 + 8 + 8 + 1 + 8 + 8 + 1;

    bool KeepsJson => Result.Json.Length <= MaxJsonBytes;

    public int EncodedLength => FixedSize + (KeepsJson ? Result.Json.Length : 0);

    public void Encode(Span<byte> destination)
    {
        RequestId.TryWriteBytes(destination);
        var totals = Result.Totals;
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], KeepsJson ? Result.Count : -1);
        BinaryPrimitives.WriteInt64LittleEndian(destination[20..], totals.RowsRead);
        BinaryPrimitives.WriteInt64LittleEndian(destination[28..], totals.RowsWritten);
        BinaryPrimitives.WriteInt64LittleEndian(destination[36..], totals.RowsReturned);
        destination[44] = totals.ChangedDb ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(destination[45..], totals.SizeAfter);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[53..], totals.DurationMs);
        destination[61] = totals.ReadOnly ? (byte)1 : (byte)0;
        if (KeepsJson) Result.Json.CopyTo(destination[FixedSize..]);
    }

    /// <summary>The request id alone (what a new owner loads to recognise retries), without decoding the rest.</summary>
    public static Guid? IdOf(ReadOnlySpan<byte> source) => source.Length >= FixedSize ? new Guid(source[..16]) : null;

    /// <summary>
    /// The receipt of the commit at <paramref name="sequence"/>; its result carries that commit's bookmark. A receipt whose
    /// JSON was too large to keep decodes with an empty result array and a count of -1.
    /// </summary>
    public static WriteReceipt? Decode(ReadOnlySpan<byte> source, long sequence)
    {
        if (source.Length < FixedSize) return null;
        var totals = new QueryTotals(
            BinaryPrimitives.ReadInt64LittleEndian(source[20..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[28..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[36..]),
            source[44] != 0,
            BinaryPrimitives.ReadInt64LittleEndian(source[45..]),
            BinaryPrimitives.ReadDoubleLittleEndian(source[53..]),
            source[61] != 0);
        var count = BinaryPrimitives.ReadInt32LittleEndian(source[16..]);
        var json = count >= 0 ? source[FixedSize..].ToArray() : "[]"u8.ToArray();
        return new WriteReceipt(new Guid(source[..16]), new EncodedResult(json, count, totals) { Bookmark = new Bookmark(sequence) });
    }

    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        Encode(bytes);
        return bytes;
    }
}
