using System.Buffers.Binary;
using System.IO.Hashing;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// The persisted log index in a database's <c>log/</c> folder, written at a clean close so the next open reads neither
/// the segments nor the database file: <c>index</c> (one 64-byte record per entry, appended), <c>pages</c> (the
/// per-page hashes of the rolling checksum) and <c>state</c> (where the segments ended, the file's size and time, the
/// checksum, and the newest position). After a crash the records still name a prefix of the log: only the tail past
/// the recorded segment end is scanned.
/// </summary>
internal static class LogIndexFile
{
    const int RecordSize = 64;
    const uint StateMagic = 0x58494C41; // "ALIX"
    const int StateSize = 4 + 8 * 6 + 8 + 4 + 4 + 8 + RecordSize + 4;

    /// <summary>What the state file says about the moment of the clean close.</summary>
    public sealed record State(long Records, long LastSegment, long SegmentEnd, long FileSize, long FileTime, ulong Checksum,
        int PageSize, uint Pages, long Shipped, LogPosition? Last);

    public static string IndexPath(string folder) => Path.Combine(folder, "index");
    public static string PagesPath(string folder) => Path.Combine(folder, "pages");
    static string StatePath(string folder) => Path.Combine(folder, "state");

    /// <summary>Writes the index at a clean close: records first (synced), then the state that makes them count.</summary>
    public static void Save(string folder, IReadOnlyList<LogPosition> positions, bool append, State previous, State state, PageChecksum? checksum)
    {
        Directory.CreateDirectory(folder);
        var records = append ? previous.Records : 0;
        using (var file = new FileStream(IndexPath(folder), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 1 << 16))
        {
            file.SetLength(records * RecordSize);
            file.Position = records * RecordSize;
            var record = new byte[RecordSize];
            foreach (var position in positions)
            {
                Write(record, position);
                file.Write(record);
            }
            records += positions.Count;
            file.Flush(flushToDisk: true);
        }
        if (checksum is { Loaded: true }) WritePages(folder, checksum);
        var bytes = new byte[StateSize];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, StateMagic);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(4), records);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), state.LastSegment);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(20), state.SegmentEnd);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(28), state.FileSize);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(36), state.FileTime);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(44), state.Checksum);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(52), state.PageSize);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(56), state.Pages);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(60), state.Shipped);
        if (state.Last is { } last) Write(bytes.AsSpan(68, RecordSize), last);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(StateSize - 4), Crc32.HashToUInt32(bytes.AsSpan(0, StateSize - 4)));
        var temp = StatePath(folder) + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, StatePath(folder), overwrite: true);
    }

    /// <summary>The state of the last clean close, or null (none, or unreadable).</summary>
    public static State? ReadState(string folder)
    {
        var path = StatePath(folder);
        if (!File.Exists(path)) return null;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != StateSize || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != StateMagic
            || Crc32.HashToUInt32(bytes.AsSpan(0, StateSize - 4)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(StateSize - 4))) return null;
        return new State(
            BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(4)),
            BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12)),
            BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(20)),
            BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(28)),
            BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(36)),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(44)),
            BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(52)),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(56)),
            BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(60)),
            Read(bytes.AsSpan(68, RecordSize), folder));
    }

    /// <summary>The first <paramref name="count"/> records, skipping entries whose segment expiry deleted.</summary>
    public static List<LogPosition> ReadRecords(string folder, long count)
    {
        var positions = new List<LogPosition>((int)Math.Min(count, 1 << 20));
        var path = IndexPath(folder);
        if (!File.Exists(path)) return positions;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var record = new byte[RecordSize];
        var existing = new Dictionary<long, bool>();
        for (long i = 0; i < count && file.ReadAtLeast(record, RecordSize, throwOnEndOfStream: false) == RecordSize; i++)
        {
            if (Read(record, folder) is not { } position) break;
            var segment = SegmentId(position.Segment);
            if (!existing.TryGetValue(segment, out var exists)) existing[segment] = exists = File.Exists(position.Segment);
            if (exists) positions.Add(position);
        }
        return positions;
    }

    /// <summary>The per-page hashes saved at the clean close.</summary>
    public static ulong[] ReadPages(string folder, uint pages)
    {
        var bytes = File.ReadAllBytes(PagesPath(folder));
        if (bytes.Length != pages * 8L) throw new InvalidDataException($"{PagesPath(folder)} holds {bytes.Length / 8} page hashes, not {pages}");
        var hashes = new ulong[pages];
        for (var i = 0; i < hashes.Length; i++) hashes[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * 8));
        return hashes;
    }

    static void WritePages(string folder, PageChecksum checksum)
    {
        var hashes = checksum.Hashes;
        var bytes = new byte[checksum.Pages * 8L];
        for (var i = 0; i < checksum.Pages; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), hashes[i]);
        var temp = PagesPath(folder) + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, PagesPath(folder), overwrite: true);
    }

    /// <summary>Forgets the clean close (the segments or the file are about to change without it).</summary>
    public static void Invalidate(string folder)
    {
        if (Directory.Exists(folder)) File.Delete(StatePath(folder));
    }

    public static long SegmentId(string segmentPath) => Convert.ToInt64(Path.GetFileNameWithoutExtension(segmentPath), 16);

    public static string SegmentPath(string folder, long id) => Path.Combine(folder, $"{id:x16}.seg");

    static void Write(Span<byte> record, LogPosition position)
    {
        BinaryPrimitives.WriteInt64LittleEndian(record, position.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], position.CommitTimeMs);
        BinaryPrimitives.WriteInt64LittleEndian(record[16..], position.TargetSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(record[24..], position.ChecksumAfter);
        BinaryPrimitives.WriteInt64LittleEndian(record[32..], SegmentId(position.Segment));
        BinaryPrimitives.WriteInt64LittleEndian(record[40..], position.Offset);
        BinaryPrimitives.WriteInt32LittleEndian(record[48..], position.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[52..], position.DatabasePages);
        record[56] = (byte)position.Kind;
        record[57..60].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(record[60..], Crc32.HashToUInt32(record[..60]));
    }

    static LogPosition? Read(ReadOnlySpan<byte> record, string folder)
    {
        if (record[56] == 0 || Crc32.HashToUInt32(record[..60]) != BinaryPrimitives.ReadUInt32LittleEndian(record[60..])) return null;
        return new LogPosition(
            BinaryPrimitives.ReadInt64LittleEndian(record),
            BinaryPrimitives.ReadInt64LittleEndian(record[8..]),
            (LogEntryKind)record[56],
            BinaryPrimitives.ReadInt64LittleEndian(record[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(record[52..]),
            BinaryPrimitives.ReadUInt64LittleEndian(record[24..]),
            SegmentPath(folder, BinaryPrimitives.ReadInt64LittleEndian(record[32..])),
            BinaryPrimitives.ReadInt64LittleEndian(record[40..]),
            BinaryPrimitives.ReadInt32LittleEndian(record[48..]));
    }
}
