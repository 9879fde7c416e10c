using Atoll.Engine.Storage;

namespace Atoll.Engine.Tests.ChangeLog;

public sealed class ShippingTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-shipping-" + Guid.NewGuid().ToString("N"));
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    string DbPath => Path.Combine(_directory, "db", "db.sqlite");

    static EncodedResult Insert(Database db, int n)
        => db.Execute(QueryRequest.Single("INSERT INTO t VALUES (?)", SqlValue.FromInteger(n)), Ct);

    static int Count(Database db)
    {
        using var json = System.Text.Json.JsonDocument.Parse(db.Execute(QueryRequest.Single("SELECT count(*) AS c FROM t"), Ct).Json);
        return json.RootElement[0].GetProperty("results")[0].GetProperty("c").GetInt32();
    }

    [Fact]
    public async Task A_slow_store_gets_every_queued_entry_in_order()
    {
        var store = new FaultyStore(Path.Combine(_directory, "objects")) { UploadDelay = TimeSpan.FromMilliseconds(20) };
        await using var db = await Database.OpenAsync(DbPath, changeLog: new ChangeLogOptions { ObjectStore = store, ObjectPrefix = "x/" }, cancellationToken: Ct);
        db.Execute(QueryRequest.Single("CREATE TABLE t(n INTEGER)"), Ct);
        EncodedResult last = null!;
        for (var n = 0; n < 50; n++) last = Insert(db, n);
        await db.WaitForUploadAsync(last.Bookmark, TimeSpan.FromSeconds(30), Ct);
        var keys = await store.ListAsync("x/log/", Ct);
        Assert.Equal(Enumerable.Range(0, (int)last.Bookmark.Sequence + 1).Select(s => $"x/log/{s:x16}.entry"), keys);
    }

    [Fact]
    public async Task Rebuilding_from_the_store_stops_at_a_hole_left_by_a_crash_mid_batch()
    {
        var store = new FileSystemObjectStore(Path.Combine(_directory, "objects"));
        Bookmark beforeHole;
        await using (var db = await Database.OpenAsync(DbPath, changeLog: new ChangeLogOptions { ObjectStore = store, ObjectPrefix = "x/" }, cancellationToken: Ct))
        {
            db.Execute(QueryRequest.Single("CREATE TABLE t(n INTEGER)"), Ct);
            for (var n = 0; n < 10; n++) Insert(db, n);
            beforeHole = new Bookmark(db.CurrentBookmark.Sequence - 3);
            await db.WaitForUploadAsync(db.CurrentBookmark, TimeSpan.FromSeconds(30), Ct);
        }
        // The batch's middle entry never arrived; the two after it did.
        await store.DeleteAsync($"x/log/{beforeHole.Sequence + 1:x16}.entry", Ct);
        Directory.Delete(Path.GetDirectoryName(DbPath)!, recursive: true);

        await using var rebuilt = await Database.OpenAsync(DbPath, changeLog: new ChangeLogOptions { ObjectStore = store, ObjectPrefix = "x/" }, cancellationToken: Ct);
        Assert.Equal(beforeHole, rebuilt.CurrentBookmark);
        Assert.Equal(7, Count(rebuilt));
        Assert.Equal($"x/log/{beforeHole.Sequence:x16}.entry", (await store.ListAsync("x/log/", Ct))[^1]); // the orphans are gone
        var next = Insert(rebuilt, 100);
        Assert.Equal(beforeHole.Sequence + 1, next.Bookmark.Sequence);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
