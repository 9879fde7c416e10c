using Atoll.Engine.Storage;

namespace Atoll.Engine.Tests.ChangeLog;

public sealed class FencingTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-fence-" + Guid.NewGuid().ToString("N"));
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    ChangeLogOptions Options(IObjectStore store) => new() { ObjectStore = store, ObjectPrefix = "db/", WaitForUpload = true, UploadTimeout = TimeSpan.FromSeconds(60) };

    string Node(string name) => Path.Combine(_directory, name, "db.sqlite");

    [Fact]
    public async Task Two_owners_racing_to_publish_leave_exactly_one_history_and_lose_no_acknowledged_commit()
    {
        var store = new FileSystemObjectStore(Path.Combine(_directory, "objects"));
        await using var a = await Database.OpenAsync(Node("a"), changeLog: Options(store), cancellationToken: Ct);
        a.Execute(QueryRequest.Single("CREATE TABLE t(owner TEXT, n INTEGER)"), Ct);
        for (var n = 0; n < 5; n++) a.Execute(QueryRequest.Single("INSERT INTO t VALUES ('a', ?)", SqlValue.FromInteger(n)), Ct);
        // A second owner takes the database over from the store while the first is still running (a zombie).
        await using var b = await Database.OpenAsync(Node("b"), changeLog: Options(store), cancellationToken: Ct);
        Assert.Equal(a.CurrentBookmark, b.CurrentBookmark);

        var acknowledged = new List<string>();
        var failures = new Dictionary<string, string>();
        async Task Write(Database db, string owner)
        {
            await Task.Yield();
            for (var n = 100; n < 130; n++)
            {
                try
                {
                    db.Execute(QueryRequest.Single("INSERT INTO t VALUES (?, ?)", SqlValue.FromText(owner), SqlValue.FromInteger(n)), Ct);
                    lock (acknowledged) acknowledged.Add($"{owner}{n}");
                }
                catch (D1Exception ex)
                {
                    lock (failures) failures.TryAdd(owner, ex.Message);
                }
            }
        }
        await Task.WhenAll(Task.Run(() => Write(a, "a"), Ct), Task.Run(() => Write(b, "b"), Ct));

        var loser = Assert.Single(failures); // exactly one owner was fenced…
        Assert.Contains("another owner published commit", loser.Value); // …and says why
        var (winner, fenced) = loser.Key == "a" ? (b, a) : (a, b);
        Assert.Contains("another owner", Assert.Throws<D1Exception>(() =>
            fenced.Execute(QueryRequest.Single("INSERT INTO t VALUES ('late', 0)"), Ct)).Message); // it stopped

        // The history that survives in the store is the winner's, whole, with every acknowledged commit in it.
        await using var c = await Database.OpenAsync(Node("c"), changeLog: Options(store), cancellationToken: Ct);
        Assert.Equal(winner.CurrentBookmark, c.CurrentBookmark);
        Assert.Equal(ContentHash.Of(winner), ContentHash.Of(c));
        using var rows = System.Text.Json.JsonDocument.Parse(c.Execute(QueryRequest.Single("SELECT owner || n AS k FROM t WHERE n >= 100"), Ct).Json);
        var survived = rows.RootElement[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("k").GetString()).ToHashSet();
        Assert.All(acknowledged, key => Assert.Contains(key, survived));
    }

    [Fact]
    public async Task A_conditional_create_lets_exactly_one_of_many_racing_writers_win()
    {
        var store = new FileSystemObjectStore(Path.Combine(_directory, "objects"));
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            store.PutIfAbsentAsync("k/0001.entry", new MemoryStream([(byte)i]), Ct), Ct)));
        Assert.Equal(1, results.Count(won => won));
        await using var stored = (await store.GetAsync("k/0001.entry", Ct))!;
        Assert.Equal(1, stored.Length);
        Assert.Equal(["k/0001.entry"], await store.ListAsync("k/", Ct)); // no temp file left behind
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
