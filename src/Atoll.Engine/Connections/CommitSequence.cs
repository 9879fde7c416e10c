using System.Buffers.Binary;

namespace Atoll.Engine.Connections;

/// <summary>
/// Where a database file keeps its 64-bit commit sequence: the header's <c>user_version</c> (bytes 60–63) holds the
/// low 32 bits and <c>application_id</c> (bytes 68–71) the high 32 bits — D1 denies both PRAGMAs to user SQL. Each is
/// a signed 32-bit field (<c>PRAGMA user_version = 2147483648</c> would store 0), so the halves are written as the
/// signed value with the same bits.
/// </summary>
internal static class CommitSequence
{
    /// <summary>The 64-bit sequence from the two header fields as SQLite reports them.</summary>
    public static long Join(int high, int low) => ((long)(uint)high << 32) | (uint)low;

    /// <summary>The PRAGMAs that move the header from <paramref name="previous"/> to <paramref name="sequence"/> (the high half only when it changes).</summary>
    public static string Pragma(long previous, long sequence)
    {
        var low = $"PRAGMA user_version = {(int)(uint)sequence}";
        return (previous >> 32) == (sequence >> 32) ? low : $"{low}; PRAGMA application_id = {(int)(uint)(sequence >> 32)}";
    }

    /// <summary>The PRAGMAs that set both halves to <paramref name="sequence"/>.</summary>
    public static string Pragma(long sequence) => $"PRAGMA user_version = {(int)(uint)sequence}; PRAGMA application_id = {(int)(uint)(sequence >> 32)}";

    /// <summary>Writes <paramref name="sequence"/> into a page 1 image (the restore path writes page 1 itself).</summary>
    public static void Stamp(Span<byte> page1, long sequence)
    {
        BinaryPrimitives.WriteUInt32BigEndian(page1[60..], (uint)sequence);
        BinaryPrimitives.WriteUInt32BigEndian(page1[68..], (uint)(sequence >> 32));
    }
}
