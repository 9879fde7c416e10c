using System.Diagnostics;

namespace Atoll.Engine.Tests.ChangeLog;

/// <summary>
/// While the object store is down the shipping queue is a position, not a pile of pages: memory stays flat however many
/// commits wait. ATOLL_SHIPPING_COMMITS sets how many (default 20,000; the 100,000 was run by hand).
/// </summary>
public sealed class BoundedShippingTests : IDisposable
{
    // tmpfs when there is one: the test measures memory, not the disk's fsync.
    readonly string _directory = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "atoll-bounded-" + Guid.NewGuid().ToString("N"));
    readonly ITestOutputHelper _output = TestContext.Current.TestOutputHelper!;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commits_while_the_store_is_unreachable_keep_memory_flat_and_all_ship_in_order_when_it_returns()
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("ATOLL_SHIPPING_COMMITS"), out var n) ? n : 20_000;
        var early = total / 4;
        var store = new FaultyStore(Path.Combine(_directory, "objects")) { Unreachable = true };
        var options = new ChangeLogOptions { ObjectStore = store, ObjectPrefix = "x/", IsNew = true, SnapshotEveryCommits = int.MaxValue };
        await using var db = await Database.OpenAsync(Path.Combine(_directory, "db", "db.sqlite"), changeLog: options, cancellationToken: Ct);
        db.Execute(QueryRequest.Single("CREATE TABLE t(n INTEGER, pad TEXT)"), Ct);
        long managedEarly = 0, rssEarly = 0;
        Bookmark last = default;
        for (var i = 1; i <= total; i++)
        {
            // Each commit its own log entry (two pages each); synced in groups, as concurrent writers share syncs.
            last = db.ExecuteWriteUnsynced(QueryRequest.Single("INSERT INTO t VALUES (?, ?)", SqlValue.FromInteger(i), SqlValue.FromText(new string('p', 200))), Ct).Bookmark;
            if (i % 500 == 0) db.SyncLog(last);
            if (i == early) (managedEarly, rssEarly) = Measure();
        }
        db.SyncLog(last);
        var (managedLate, rssLate) = Measure();
        var growth = managedLate - managedEarly;
        _output.WriteLine($"{total - early} commits with the store down: managed {managedEarly >> 20} → {managedLate >> 20} MB, RSS {rssEarly >> 20} → {rssLate >> 20} MB");
        // Page images held in memory would be ≥ 8 KB a commit (≥ 120 MB for 15,000); the index is ~100 bytes a commit,
        // and 1 KB a commit leaves room for pools and GC noise (the bound: 50 MB for 100,000).
        Assert.True(growth < (total - early) * 1024L, $"managed memory grew {growth >> 20} MB over {total - early} commits");
        Assert.Empty(store.Created);

        store.Unreachable = false;
        await db.WaitForUploadAsync(last, TimeSpan.FromMinutes(10), Ct);
        var published = store.Created.Where(k => k.StartsWith("x/log/", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, (int)last.Sequence + 1).Select(s => $"x/log/{s:x16}.entry"), published);
    }

    static (long Managed, long Rss) Measure()
    {
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (managed, process.WorkingSet64);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
