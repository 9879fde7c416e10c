using Atoll.Engine.ChangeLog;
using Atoll.Engine.Storage;

namespace Atoll.Engine.Tests.ChangeLog;

public sealed class LogStoreTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-logstore-" + Guid.NewGuid().ToString("N"));
    readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    string DbPath => Path.Combine(_directory, "db", "db.sqlite");
    string LogFolder => Path.Combine(_directory, "db", "log");

    ChangeLogOptions Options(IObjectStore? store = null) => new() { Clock = _clock, ObjectStore = store, ObjectPrefix = "t/" };

    static string Results(Database db, string sql)
    {
        using var json = System.Text.Json.JsonDocument.Parse(db.Execute(QueryRequest.Single(sql), Ct).Json);
        return json.RootElement[0].GetProperty("results").GetRawText();
    }

    // Writes a history spread over several segments: each open starts a new one.
    async Task<List<(Bookmark Bookmark, string Hash)>> WriteHistoryOverSessions(int sessions)
    {
        var recorded = new List<(Bookmark, string)>();
        for (var session = 0; session < sessions; session++)
        {
            await using var db = await Database.OpenAsync(DbPath, changeLog: Options(), cancellationToken: Ct);
            if (session == 0) db.Execute(QueryRequest.Single("CREATE TABLE t(v TEXT)"), Ct);
            for (var i = 0; i < 5; i++)
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
                db.Execute(QueryRequest.Single("INSERT INTO t VALUES (?)", SqlValue.FromText($"s{session}-{i}")), Ct);
            }
            recorded.Add((db.CurrentBookmark, ContentHash.Of(db)));
        }
        return recorded;
    }

    static void Corrupt(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Array.Fill(bytes, (byte)0x5A);
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public async Task After_a_clean_close_opening_reads_no_old_segment_and_not_the_file()
    {
        var recorded = await WriteHistoryOverSessions(4);
        var segments = Directory.GetFiles(LogFolder, "*.seg").Order(StringComparer.Ordinal).ToArray();
        Assert.True(segments.Length >= 4, $"{segments.Length} segments");
        // Every segment's bytes destroyed: an open that read (or CRC-checked) any of them would lose the history.
        foreach (var segment in segments) Corrupt(segment);

        await using var db = await Database.OpenAsync(DbPath, changeLog: Options(), cancellationToken: Ct);
        Assert.True(db.Log!.Store.Index.Deferred); // not even the index records were needed
        Assert.Equal(recorded[^1].Bookmark, db.CurrentBookmark);
        Assert.Equal(recorded[^1].Hash, ContentHash.Of(db));
        // The history is still all there, answered from the saved index.
        Assert.Equal(recorded[0].Bookmark, db.BookmarkAt(_clock.GetUtcNow().AddSeconds(-15)));
        var next = db.Execute(QueryRequest.Single("INSERT INTO t VALUES ('after reopen')"), Ct);
        Assert.Equal(recorded[^1].Bookmark.Sequence + 1, next.Bookmark.Sequence); // and the saved checksum carried on
    }

    [Fact]
    public async Task After_a_crash_recovery_reads_only_the_tail_past_the_saved_index()
    {
        var recorded = await WriteHistoryOverSessions(3);
        var old = Directory.GetFiles(LogFolder, "*.seg").Order(StringComparer.Ordinal).ToArray();
        // A session that dies without closing: its entries are only in a new segment past the saved index.
        var crashed = await Database.OpenAsync(DbPath, changeLog: Options(), cancellationToken: Ct);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var unsaved = crashed.Execute(QueryRequest.Single("INSERT INTO t VALUES ('crash session')"), Ct).Bookmark;
        var hash = ContentHash.Of(crashed);
        // (the process dies here: no close, no saved index; the test leaks this instance's handles on purpose)
        foreach (var segment in old[..^1]) Corrupt(segment); // older segments are not read

        await using var db = await Database.OpenAsync(DbPath, changeLog: Options(), cancellationToken: Ct);
        Assert.Equal(unsaved, db.CurrentBookmark);
        Assert.Equal(hash, ContentHash.Of(db));
        Assert.Equal(recorded[0].Bookmark, db.BookmarkAt(db.CommitTimeOf(recorded[0].Bookmark))); // old index records still answer
        Assert.Equal(unsaved, db.BookmarkAt(db.CommitTimeOf(unsaved)));
        GC.KeepAlive(crashed);
    }

    [Fact]
    public async Task A_v1_log_written_by_the_previous_encoder_still_opens_restores_and_continues()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "ChangeLog", "Fixtures", "v1");
        var entry = LogEntry.TryDecode(File.ReadAllBytes(Path.Combine(fixture, "entry-v1.bin")))!;
        Assert.Equal((7L, 0L, 0x1122334455667788UL, 0x99aabbccddeeff00UL), (entry.Sequence, entry.Epoch, entry.ChecksumBefore, entry.ChecksumAfter));
        Assert.Equal(Enumerable.Range(0, 512).Select(i => (byte)i), entry.Pages.Single().Data);

        CopyDirectory(Path.Combine(fixture, "db"), Path.GetDirectoryName(DbPath)!);
        var options = Options();
        options.Clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 12, 10, 0, TimeSpan.Zero));
        await using var db = await Database.OpenAsync(DbPath, changeLog: options, cancellationToken: Ct);
        Assert.Equal(6, db.CurrentBookmark.Sequence);
        Assert.Equal("""[{"n":5}]""", Results(db, "SELECT count(*) AS n FROM notes"));
        await db.RestoreAsync(new Bookmark(3), Ct); // replays v1 entries 1..3
        Assert.Equal("""[{"body":"note 1"},{"body":"note 2"}]""", Results(db, "SELECT body FROM notes ORDER BY id"));
        db.Execute(QueryRequest.Single("INSERT INTO notes(body) VALUES ('v2 entry')"), Ct);
        var v2 = LogStore.Read(db.Log!.Store.Index.Last!);
        Assert.Equal(8, v2.Sequence);
    }

    [Fact]
    public async Task A_database_whose_files_are_intact_opens_and_writes_while_the_store_is_unreachable()
    {
        var store = new FaultyStore(Path.Combine(_directory, "objects"));
        await using (var db = await Database.OpenAsync(DbPath, changeLog: Options(store), cancellationToken: Ct))
            db.Execute(QueryRequest.Single("CREATE TABLE t(v); INSERT INTO t VALUES (1)"), Ct);
        store.Unreachable = true;
        await using (var db = await Database.OpenAsync(DbPath, changeLog: Options(store), cancellationToken: Ct))
        {
            db.Execute(QueryRequest.Single("INSERT INTO t VALUES (2)"), Ct);
            Assert.Equal("""[{"n":2}]""", Results(db, "SELECT count(*) AS n FROM t"));
        }
        // A new database needs no history: created while the store is down, it works and ships later.
        var fresh = Path.Combine(_directory, "fresh", "db.sqlite");
        var options = Options(store);
        options.IsNew = true;
        options.ObjectPrefix = "fresh/";
        await using var created = await Database.OpenAsync(fresh, changeLog: options, cancellationToken: Ct);
        var write = created.Execute(QueryRequest.Single("CREATE TABLE t(v)"), Ct);
        store.Unreachable = false;
        await created.WaitForUploadAsync(write.Bookmark, TimeSpan.FromSeconds(30), Ct);
        Assert.Contains($"fresh/log/{write.Bookmark.Sequence:x16}.entry", await store.ListAsync("fresh/log/", Ct));
    }

    [Fact]
    public async Task Deleting_a_database_removes_its_folder_and_every_object_under_its_prefix_only()
    {
        var store = new FileSystemObjectStore(Path.Combine(_directory, "objects"));
        await using (var db = await Database.OpenAsync(DbPath, changeLog: Options(store), cancellationToken: Ct))
        {
            var write = db.Execute(QueryRequest.Single("CREATE TABLE t(v)"), Ct);
            await db.WaitForUploadAsync(write.Bookmark, TimeSpan.FromSeconds(30), Ct);
        }
        await store.PutAsync("other/log/0000000000000000.entry", new MemoryStream([1]), Ct);
        await Database.DeleteAsync(DbPath, Options(store), Ct);
        Assert.False(Directory.Exists(Path.GetDirectoryName(DbPath)));
        Assert.Empty(await store.ListAsync("t/", Ct));
        Assert.Single(await store.ListAsync("other/", Ct));
    }

    static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
