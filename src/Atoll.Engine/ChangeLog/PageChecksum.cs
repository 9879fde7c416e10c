using System.IO.Hashing;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// The rolling checksum of a whole database: the XOR of one 64-bit hash per page (seeded with the page number), so
/// a commit updates it from the pages it changed alone. SQLite's lock-byte page is skipped, as it never holds data.
/// </summary>
internal sealed class PageChecksum(int pageSize)
{
    ulong[] _hashes = [];

    public int PageSize { get; } = pageSize;
    public uint Pages { get; private set; }
    public ulong Value { get; private set; }

    uint LockPage => (uint)(0x40000000 / PageSize + 1);

    public static ulong Hash(uint page, ReadOnlySpan<byte> data) => XxHash64.HashToUInt64(data, page);

    /// <summary>Sets page <paramref name="page"/> (1-based) to <paramref name="data"/>.</summary>
    public void Set(uint page, ReadOnlySpan<byte> data)
    {
        if (page == LockPage) return;
        EnsureCapacity(page);
        var hash = Hash(page, data);
        Value ^= _hashes[page - 1] ^ hash;
        _hashes[page - 1] = hash;
        if (page > Pages) Pages = page;
    }

    /// <summary>
    /// The database now has <paramref name="pages"/> pages: pages past it drop out, new ones start as zeros.
    /// Call before <see cref="Set"/>ting a commit's pages.
    /// </summary>
    public void Resize(uint pages)
    {
        for (var p = pages + 1; p <= Pages; p++)
        {
            Value ^= _hashes[p - 1];
            _hashes[p - 1] = 0;
        }
        if (pages > Pages)
        {
            var zeros = new byte[PageSize];
            for (var p = Pages + 1; p <= pages; p++) Set(p, zeros);
        }
        Pages = pages;
    }

    /// <summary>Hashes every page of a database file (its main file, with no WAL pending).</summary>
    public static PageChecksum OfFile(string path, int pageSize)
    {
        var checksum = new PageChecksum(pageSize);
        if (!File.Exists(path)) return checksum;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        var buffer = new byte[pageSize];
        uint page = 0;
        while (file.ReadAtLeast(buffer, pageSize, throwOnEndOfStream: false) == pageSize) checksum.Set(++page, buffer);
        checksum.Pages = page;
        return checksum;
    }

    void EnsureCapacity(uint page)
    {
        if (page <= _hashes.Length) return;
        Array.Resize(ref _hashes, (int)Math.Max(page, Math.Min(int.MaxValue / 2, _hashes.Length * 2L)));
    }
}
