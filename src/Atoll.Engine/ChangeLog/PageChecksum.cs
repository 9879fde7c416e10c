using System.IO.Hashing;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// The rolling checksum of a whole database: the XOR of one 64-bit hash per page (seeded with the page number), so
/// a commit updates it from the pages it changed alone. SQLite's lock-byte page is skipped, as it never holds data.
/// </summary>
internal sealed class PageChecksum(int pageSize)
{
    ulong[] _hashes = [];
    Func<ulong[]>? _load;

    /// <summary>
    /// A checksum known by its value, whose per-page hashes are read by <paramref name="load"/> only when a commit
    /// changes a page (an open after a clean close reads neither them nor the file).
    /// </summary>
    public static PageChecksum Deferred(int pageSize, uint pages, ulong value, Func<ulong[]> load)
        => new(pageSize) { Pages = pages, Value = value, _load = load };

    /// <summary>False while the per-page hashes are still on disk.</summary>
    public bool Loaded => _load is null;

    /// <summary>The per-page hashes (page 1 first); loads them if deferred.</summary>
    public ulong[] Hashes
    {
        get
        {
            EnsureLoaded();
            return _hashes;
        }
    }

    void EnsureLoaded()
    {
        if (_load is null) return;
        var hashes = _load();
        ulong value = 0;
        foreach (var hash in hashes) value ^= hash;
        if (hashes.Length != Pages || value != Value)
            throw new InvalidDataException($"the saved page hashes do not add up to the saved checksum {Value:x16}");
        _hashes = hashes;
        _load = null;
    }

    public int PageSize { get; } = pageSize;
    public uint Pages { get; private set; }
    public ulong Value { get; private set; }

    uint LockPage => (uint)(0x40000000 / PageSize + 1);

    public static ulong Hash(uint page, ReadOnlySpan<byte> data) => XxHash64.HashToUInt64(data, page);

    /// <summary>Sets page <paramref name="page"/> (1-based) to <paramref name="data"/>.</summary>
    public void Set(uint page, ReadOnlySpan<byte> data)
    {
        if (page == LockPage) return;
        EnsureLoaded();
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
        EnsureLoaded();
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
        if (!File.Exists(path)) return new PageChecksum(pageSize);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        return OfFile(file, pageSize);
    }

    /// <summary>Hashes every page of an open database file from its start.</summary>
    public static PageChecksum OfFile(FileStream file, int pageSize)
    {
        var checksum = new PageChecksum(pageSize);
        file.Position = 0;
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
