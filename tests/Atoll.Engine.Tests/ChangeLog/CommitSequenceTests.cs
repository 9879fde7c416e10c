using Atoll.Engine.Connections;

namespace Atoll.Engine.Tests.ChangeLog;

public sealed class CommitSequenceTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-seq-" + Guid.NewGuid().ToString("N"));
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    string DbPath => Path.Combine(_directory, "db", "db.sqlite");

    // Seeds the file's sequence just below the boundary instead of committing billions of times; the log then starts
    // a new baseline there, as for any file ahead of its log.
    void Seed(long sequence)
    {
        using (var db = Database.Open(DbPath))
            db.Execute(QueryRequest.Single("CREATE TABLE t(v INTEGER)"), Ct);
        using var writer = Connection.Open(DbPath, new EngineOptions(), reader: false);
        writer.ExecTrusted(CommitSequence.Pragma(sequence));
    }

    [Theory]
    [InlineData((1L << 31) - 3)] // user_version is a signed 32-bit field
    [InlineData((1L << 32) - 3)] // the high half starts to count
    public async Task Commits_cross_the_32_bit_boundaries_and_the_database_reopens_where_it_was(long seed)
    {
        Seed(seed);
        var bookmarks = new List<Bookmark>();
        await using (var db = await Database.OpenAsync(DbPath, cancellationToken: Ct))
        {
            Assert.Equal(seed, db.CurrentBookmark.Sequence);
            for (var i = 0; i < 6; i++) bookmarks.Add(db.Execute(QueryRequest.Single("INSERT INTO t VALUES (?)", SqlValue.FromInteger(i)), Ct).Bookmark);
        }
        Assert.Equal(Enumerable.Range(1, 6).Select(i => seed + i), bookmarks.Select(b => b.Sequence));
        Assert.Equal(bookmarks.Select(b => b.ToString()).Order(StringComparer.Ordinal), bookmarks.Select(b => b.ToString()));

        await using var reopened = await Database.OpenAsync(DbPath, cancellationToken: Ct);
        Assert.Equal(bookmarks[^1], reopened.CurrentBookmark);
        var next = reopened.Execute(QueryRequest.Single("INSERT INTO t VALUES (99)"), Ct).Bookmark;
        Assert.Equal(seed + 7, next.Sequence);
        await reopened.RestoreAsync(bookmarks[1], Ct); // a bookmark below the boundary, restored above it
        Assert.Equal(seed + 8, reopened.CurrentBookmark.Sequence);
        using var json = System.Text.Json.JsonDocument.Parse(reopened.Execute(QueryRequest.Single("SELECT count(*) AS c FROM t"), Ct).Json);
        Assert.Equal(2, json.RootElement[0].GetProperty("results")[0].GetProperty("c").GetInt32());
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
