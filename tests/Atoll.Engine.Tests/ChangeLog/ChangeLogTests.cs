using Atoll.Engine.Storage;

namespace Atoll.Engine.Tests.ChangeLog;

public sealed class ChangeLogTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-log-" + Guid.NewGuid().ToString("N"));
    readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    string DbPath => Path.Combine(_directory, "db", "db.sqlite");

    ChangeLogOptions Options(IObjectStore? store = null, bool wait = false) => new()
    {
        Clock = _clock,
        ObjectStore = store,
        ObjectPrefix = "tenant/",
        WaitForUpload = wait,
        SnapshotEveryCommits = 25, // several snapshots during a test, so restores cross them
        CheckpointFrames = 50,     // and checkpoints, so captures cross WAL restarts
    };

    static void Run(Database db, string sql, params SqlValue[] parameters)
    {
        try { db.Execute(QueryRequest.Single(sql, parameters), Ct); }
        catch (D1Exception ex) { throw new InvalidOperationException($"{sql}: {ex.Message}", ex); }
    }

    [Fact]
    public async Task Restore_reproduces_the_exact_content_at_every_bookmark_of_a_random_workload()
    {
        await using var db = await Database.OpenAsync(DbPath, changeLog: Options(), cancellationToken: Ct);
        var random = new Random(1234);
        var recorded = new List<(Bookmark Bookmark, string Hash)>();
        Run(db, "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, payload BLOB)");
        Run(db, "CREATE VIRTUAL TABLE docs USING fts5(body)");
        for (var step = 0; step < 160; step++)
        {
            switch (random.Next(8))
            {
                case 0 or 1:
                    Run(db, "INSERT INTO items(name, payload) VALUES (?, ?)", SqlValue.FromText("n" + step), SqlValue.FromBlob(RandomBytes(random, 64)));
                    break;
                case 2:
                    // A BLOB larger than a page: overflow pages.
                    Run(db, "INSERT INTO items(name, payload) VALUES ('big', ?)", SqlValue.FromBlob(RandomBytes(random, 20_000)));
                    break;
                case 3:
                    Run(db, "UPDATE items SET name = name || '!' WHERE id % 3 = ?", SqlValue.FromInteger(step % 3));
                    break;
                case 4:
                    Run(db, "DELETE FROM items WHERE id IN (SELECT id FROM items ORDER BY random() LIMIT 2)");
                    break;
                case 5:
                    Run(db, "INSERT INTO docs(body) VALUES (?)", SqlValue.FromText($"document {step} about {(step % 2 == 0 ? "atolls" : "reefs")}"));
                    break;
                case 6:
                    Run(db, step % 2 == 0 ? $"CREATE TABLE t{step}(a); INSERT INTO t{step} VALUES ({step})" : $"CREATE INDEX IF NOT EXISTS i_name ON items(name)");
                    break;
                default:
                    Run(db, step % 4 == 0 ? "VACUUM" : "DELETE FROM items WHERE id % 5 = 0");
                    break;
            }
            _clock.Advance(TimeSpan.FromSeconds(1));
            if (step % 8 == 0) recorded.Add((db.CurrentBookmark, ContentHash.Of(db)));
        }
        recorded.Add((db.CurrentBookmark, ContentHash.Of(db)));
        await db.WhenIdleAsync();

        var searchedSomething = false;
        foreach (var (bookmark, hash) in recorded.OrderBy(_ => random.Next()).Take(10))
        {
            await db.RestoreAsync(bookmark, Ct);
            Assert.Equal(hash, ContentHash.Of(db));
            Assert.Equal("""[{"quick_check":"ok"}]""", Results(db, "SELECT * FROM pragma_quick_check"));
            // The restored full-text index finds exactly the restored documents that hold the word.
            var found = Results(db, "SELECT rowid FROM docs WHERE docs MATCH 'atolls' ORDER BY rowid");
            Assert.Equal(Results(db, "SELECT rowid FROM docs WHERE body LIKE '% atolls%' ORDER BY rowid"), found);
            searchedSomething |= found != "[]";
        }
        Assert.True(searchedSomething, "no restored state had a document to search");
    }

    [Fact]
    public async Task Restore_to_a_timestamp_between_commits_lands_on_the_earlier_and_undo_returns_exactly()
    {
        await using var db = await Database.OpenAsync(DbPath, changeLog: Options(), cancellationToken: Ct);
        Run(db, "CREATE TABLE t(v)");
        Run(db, "INSERT INTO t VALUES ('first')");
        var first = db.CurrentBookmark;
        var firstTime = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(2));
        Run(db, "INSERT INTO t VALUES ('second')");
        var beforeRestore = ContentHash.Of(db);
        _clock.Advance(TimeSpan.FromMinutes(1));

        var between = db.BookmarkAt(firstTime.AddMinutes(1));
        Assert.Equal(first, between);
        Assert.Equal(between, db.BookmarkAt(firstTime.AddMinutes(1))); // deterministic

        var (restored, previous) = await db.RestoreAsync(between, Ct);
        Assert.Equal("""[{"v":"first"}]""", Results(db, "SELECT v FROM t"));
        Assert.True(restored.CompareTo(previous) > 0);
        Assert.True(string.CompareOrdinal(restored.ToString(), previous.ToString()) > 0);

        var (_, undoPoint) = await db.RestoreAsync(previous, Ct); // undo
        Assert.Equal(beforeRestore, ContentHash.Of(db));
        Assert.Equal(restored, undoPoint);
        await db.RestoreAsync(restored, Ct); // redo
        Assert.Equal("""[{"v":"first"}]""", Results(db, "SELECT v FROM t"));
        Run(db, "INSERT INTO t VALUES ('after')"); // the log continues after restores
        Assert.Equal("""[{"v":"first"},{"v":"after"}]""", Results(db, "SELECT v FROM t"));
    }

    [Fact]
    public async Task A_database_opened_after_its_creation_has_history_from_its_creation_time()
    {
        var created = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromHours(1)); // created an hour before anything opened it
        var options = Options();
        options.IsNew = true;
        options.CreatedAt = created;
        await using var db = await Database.OpenAsync(DbPath, changeLog: options, cancellationToken: Ct);
        var empty = db.CurrentBookmark;
        Run(db, "CREATE TABLE t(v); INSERT INTO t VALUES (1)");

        Assert.Equal(empty, db.BookmarkAt(created.AddMinutes(30))); // between creation and the first open: the empty database
        Assert.Contains("starts later", Assert.Throws<D1Exception>(() => db.BookmarkAt(created.AddMinutes(-1))).Message);
        await db.RestoreAsync(db.BookmarkAt(created.AddMinutes(30)), Ct);
        Assert.Equal("[]", Results(db, "SELECT name FROM sqlite_master WHERE name = 't'"));
    }

    [Fact]
    public async Task Bad_bookmarks_and_timestamps_get_clear_errors_and_change_nothing()
    {
        await using var db = await Database.OpenAsync(DbPath, changeLog: Options(), cancellationToken: Ct);
        Run(db, "CREATE TABLE t(v); INSERT INTO t VALUES (1)");
        var hash = ContentHash.Of(db);
        var unknown = await Assert.ThrowsAsync<D1Exception>(() => db.RestoreAsync(new Bookmark(9999), Ct));
        Assert.Contains("does not name a commit", unknown.Message);
        Assert.Contains("in the future", Assert.Throws<D1Exception>(() => db.BookmarkAt(_clock.GetUtcNow().AddHours(1))).Message);
        Assert.Contains("retention", Assert.Throws<D1Exception>(() => db.BookmarkAt(_clock.GetUtcNow().AddDays(-31))).Message);
        Assert.Contains("starts later", Assert.Throws<D1Exception>(() => db.BookmarkAt(_clock.GetUtcNow().AddDays(-1))).Message);
        Assert.Equal(hash, ContentHash.Of(db));
    }

    [Fact]
    public async Task History_older_than_retention_expires_and_its_bookmarks_report_expiry()
    {
        var options = Options();
        options.Retention = TimeSpan.FromDays(2);
        await using var db = await Database.OpenAsync(DbPath, changeLog: options, cancellationToken: Ct);
        Run(db, "CREATE TABLE t(v)");
        var old = db.CurrentBookmark;
        for (var i = 0; i < 60; i++)
        {
            Run(db, "INSERT INTO t VALUES (?)", SqlValue.FromInteger(i));
            _clock.Advance(TimeSpan.FromHours(1));
        }
        await db.WhenIdleAsync();
        await db.ExpireHistoryAsync(Ct);
        Assert.Contains("expired", Assert.Throws<D1Exception>(() => db.CommitTimeOf(old)).Message);
        var recent = db.BookmarkAt(_clock.GetUtcNow().AddHours(-10));
        await db.RestoreAsync(recent, Ct); // what is inside the window still restores
        Assert.Equal(51, Count(db)); // inserts 0…50 committed at or before that time
    }

    [Fact]
    public async Task Reopening_continues_the_log_and_keeps_old_bookmarks_restorable()
    {
        Bookmark early;
        string earlyHash;
        await using (var db = await Database.OpenAsync(DbPath, changeLog: Options(), cancellationToken: Ct))
        {
            Run(db, "CREATE TABLE t(v)");
            Run(db, "INSERT INTO t VALUES ('a')");
            early = db.CurrentBookmark;
            earlyHash = ContentHash.Of(db);
            Run(db, "INSERT INTO t VALUES ('b')");
        }
        await using (var db = await Database.OpenAsync(DbPath, changeLog: Options(), cancellationToken: Ct))
        {
            Run(db, "INSERT INTO t VALUES ('c')");
            Assert.Equal(early.Sequence + 2, db.CurrentBookmark.Sequence);
            await db.RestoreAsync(early, Ct);
            Assert.Equal(earlyHash, ContentHash.Of(db));
        }
    }

    [Fact]
    public async Task A_database_whose_local_files_are_lost_is_rebuilt_from_the_object_store_alone()
    {
        var store = new FileSystemObjectStore(Path.Combine(_directory, "objects"));
        string hash;
        Bookmark last;
        await using (var db = await Database.OpenAsync(DbPath, changeLog: Options(store, wait: true), cancellationToken: Ct))
        {
            Run(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
            for (var i = 0; i < 80; i++)
            {
                var result = db.Execute(QueryRequest.Single("INSERT INTO t(v) VALUES (randomblob(3000))"), Ct);
                await db.WaitForUploadAsync(result.Bookmark, TimeSpan.FromSeconds(10), Ct); // acknowledged only now
            }
            hash = ContentHash.Of(db);
            last = db.CurrentBookmark;
        }
        Directory.Delete(Path.GetDirectoryName(DbPath)!, recursive: true);

        await using var rebuilt = await Database.OpenAsync(DbPath, changeLog: Options(store), cancellationToken: Ct);
        Assert.Equal(last, rebuilt.CurrentBookmark);
        Assert.Equal(hash, ContentHash.Of(rebuilt));
        Assert.Equal("""[{"quick_check":"ok"}]""", Results(rebuilt, "SELECT * FROM pragma_quick_check"));
    }

    [Fact]
    public async Task Fork_writes_the_state_at_a_bookmark_to_a_new_database()
    {
        await using var db = await Database.OpenAsync(DbPath, changeLog: Options(), cancellationToken: Ct);
        Run(db, "CREATE TABLE t(v); INSERT INTO t VALUES ('kept')");
        var at = db.CurrentBookmark;
        Run(db, "INSERT INTO t VALUES ('later')");
        var forkPath = Path.Combine(_directory, "fork", "db.sqlite");
        await db.ForkAsync(at, forkPath, Ct);
        await using var fork = await Database.OpenAsync(forkPath, changeLog: Options(), cancellationToken: Ct);
        Assert.Equal("""[{"v":"kept"}]""", Results(fork, "SELECT v FROM t"));
        Run(fork, "INSERT INTO t VALUES ('fork only')");
        Assert.Equal(2, Count(db));
    }

    static string Results(Database db, string sql)
    {
        using var json = System.Text.Json.JsonDocument.Parse(db.Execute(QueryRequest.Single(sql), Ct).Json);
        return json.RootElement[0].GetProperty("results").GetRawText();
    }

    static int Count(Database db)
    {
        using var json = System.Text.Json.JsonDocument.Parse(db.Execute(QueryRequest.Single("SELECT count(*) AS c FROM t"), Ct).Json);
        return json.RootElement[0].GetProperty("results")[0].GetProperty("c").GetInt32();
    }

    static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
