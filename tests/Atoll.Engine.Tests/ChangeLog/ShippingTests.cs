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

    static string Values(Database db)
    {
        using var json = System.Text.Json.JsonDocument.Parse(db.Execute(QueryRequest.Single("SELECT group_concat(n) AS c FROM t"), Ct).Json);
        return json.RootElement[0].GetProperty("results")[0].GetProperty("c").GetString()!;
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
    public async Task A_wait_for_a_commit_the_store_already_holds_ends_once_the_store_tip_is_known()
    {
        // A new owner does not know how far the store goes until it has listed it; a write answered from its receipt
        // then waits for a commit already there. No later publish would end that wait: learning the tip must.
        var store = new FaultyStore(Path.Combine(_directory, "objects"));
        var options = new ChangeLogOptions { ObjectStore = store, ObjectPrefix = "x/", WaitForUpload = true, UploadTimeout = TimeSpan.FromSeconds(20) };
        await using (var db = await Database.OpenAsync(DbPath, changeLog: options, cancellationToken: Ct))
        {
            db.Execute(QueryRequest.Single("CREATE TABLE t(n INTEGER)"), Ct);
            for (var n = 0; n < 3; n++) Insert(db, n);
        }
        foreach (var state in Directory.GetFiles(_directory, "state", SearchOption.AllDirectories)) File.Delete(state); // forget what was shipped
        var published = (await store.ListAsync("x/log/", Ct)).Count;
        store.FailNext(prefix => prefix == "x/log/", times: 3); // the tip is learnt only after a few retries

        await using var reopened = await Database.OpenAsync(DbPath, changeLog: options, cancellationToken: Ct);
        await reopened.AcknowledgeAsync(reopened.CurrentBookmark, Ct); // times out (7429) if only a publish can end it
        Assert.Equal(published, (await store.ListAsync("x/log/", Ct)).Count);
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

    [Fact]
    public async Task A_write_acknowledged_as_uploaded_rebuilds_from_the_store_even_when_the_baseline_snapshot_upload_was_failing()
    {
        // The store took the log entries but not yet the snapshot the history starts from (its upload kept failing):
        // an acknowledgement then would promise a rebuild the store cannot do if the machine is lost right after.
        var store = new FaultyStore(Path.Combine(_directory, "objects"));
        store.FailNext(key => key.StartsWith("x/snapshots/", StringComparison.Ordinal) && key.EndsWith(".db", StringComparison.Ordinal), times: 4);
        var options = new ChangeLogOptions { ObjectStore = store, ObjectPrefix = "x/", SnapshotEveryCommits = int.MaxValue };
        string content;
        await using (var db = await Database.OpenAsync(DbPath, changeLog: options, cancellationToken: Ct))
        {
            db.Execute(QueryRequest.Single("CREATE TABLE t(n INTEGER)"), Ct);
            EncodedResult last = null!;
            for (var n = 0; n < 5; n++) last = Insert(db, n);
            await db.WaitForUploadAsync(last.Bookmark, TimeSpan.FromSeconds(60), Ct);
            Assert.NotEmpty(await store.ListAsync("x/snapshots/", Ct));
            content = Values(db);
        } // closed right after the acknowledgement, as a machine lost then would be
        Directory.Delete(Path.GetDirectoryName(DbPath)!, recursive: true);

        await using var rebuilt = await Database.OpenAsync(DbPath, changeLog: new ChangeLogOptions { ObjectStore = store, ObjectPrefix = "x/" }, cancellationToken: Ct);
        Assert.Equal(content, Values(rebuilt));
    }

    [Fact]
    public async Task A_torn_snapshot_in_the_store_is_passed_over_and_the_history_rebuilds_from_an_older_one()
    {
        var store = new FileSystemObjectStore(Path.Combine(_directory, "objects"));
        var options = new ChangeLogOptions { ObjectStore = store, ObjectPrefix = "x/", SnapshotEveryCommits = 5 };
        string content;
        await using (var db = await Database.OpenAsync(DbPath, changeLog: options, cancellationToken: Ct))
        {
            db.Execute(QueryRequest.Single("CREATE TABLE t(n INTEGER)"), Ct);
            for (var n = 0; n < 8; n++) Insert(db, n);
            await db.WhenIdleAsync();
            await db.WaitForUploadAsync(db.CurrentBookmark, TimeSpan.FromSeconds(60), Ct);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await store.ListAsync("x/snapshots/", Ct)).Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(50, Ct);
            content = Values(db);
        }
        // The newest snapshot's upload was cut short on a store whose writes are not atomic: half of it is there.
        var snapshots = await store.ListAsync("x/snapshots/", Ct);
        Assert.True(snapshots.Count >= 2, string.Join(", ", snapshots));
        var newest = Path.Combine(_directory, "objects", snapshots[^1]);
        var bytes = await File.ReadAllBytesAsync(newest, Ct);
        await File.WriteAllBytesAsync(newest, bytes[..(bytes.Length / 2)], Ct);
        Directory.Delete(Path.GetDirectoryName(DbPath)!, recursive: true);

        await using var rebuilt = await Database.OpenAsync(DbPath, changeLog: new ChangeLogOptions { ObjectStore = store, ObjectPrefix = "x/" }, cancellationToken: Ct);
        Assert.Equal(content, Values(rebuilt));
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
