using SQLitePCL;

namespace Atoll.Engine.Tests;

public sealed class DatabaseTests
{
    [Fact]
    public async Task Execute_runs_reads_on_readers_while_a_write_is_running()
    {
        var ct = TestContext.Current.CancellationToken;
        using var db = new TempDatabase("CREATE TABLE t(i); CREATE TABLE r(v); INSERT INTO r VALUES ('visible')");
        // The write holds its transaction open inside hold() until the test lets it go: no race with the machine's speed.
        using var entered = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        raw.sqlite3_create_function(db.Database.Writer.Handle, "hold", 0, raw.SQLITE_UTF8, null, (context, _, _) =>
        {
            entered.Release();
            release.Wait();
            raw.sqlite3_result_int(context, 20);
        });
        var write = Task.Run(() => db.Database.Execute(QueryRequest.Single("INSERT INTO t VALUES (hold())"), ct), ct);
        EncodedResult read;
        try
        {
            await entered.WaitAsync(ct);
            // Bounded: a read queued behind the write would wait for ever, and fails here instead.
            read = await Task.Run(() => db.Database.Execute(QueryRequest.Single("SELECT v, (SELECT count(*) FROM t) AS n FROM r"), ct), ct)
                .WaitAsync(TimeSpan.FromSeconds(60), ct);
            Assert.False(write.IsCompleted, "the write finished while hold() was still blocked");
        }
        finally
        {
            release.Release();
        }
        Assert.True(read.Totals.ReadOnly);
        Assert.Contains("\"v\":\"visible\",\"n\":0", System.Text.Encoding.UTF8.GetString(read.Json)); // the committed snapshot
        await write;
        Assert.Equal("""[{"n":1,"i":20}]""", db.ResultsJson("SELECT count(*) AS n, max(i) AS i FROM t"));
    }

    [Fact]
    public void Execute_returns_bookmarks_that_grow_with_each_write_and_survive_reopening()
    {
        var directory = Path.Combine(Path.GetTempPath(), "atoll-bookmark-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(directory, "db.sqlite");
        try
        {
            Bookmark last;
            using (var db = Database.Open(path))
            {
                var first = db.Execute(QueryRequest.Single("CREATE TABLE t(a)"), TestContext.Current.CancellationToken).Bookmark;
                var second = db.Execute(QueryRequest.Single("INSERT INTO t VALUES (1)"), TestContext.Current.CancellationToken).Bookmark;
                var read = db.Execute(QueryRequest.Single("SELECT * FROM t"), TestContext.Current.CancellationToken).Bookmark;
                Assert.True(string.CompareOrdinal(first.ToString(), second.ToString()) < 0);
                Assert.Equal(second, read);
                Assert.Throws<D1Exception>(() => db.Execute(QueryRequest.Single("INSERT INTO nope VALUES (1)"), TestContext.Current.CancellationToken));
                Assert.Equal(second, db.CurrentBookmark); // a failed write commits nothing
                last = second;
            }
            using (var reopened = Database.Open(path))
            {
                Assert.Equal(last, reopened.CurrentBookmark);
                var next = reopened.Execute(QueryRequest.Single("INSERT INTO t VALUES (2)"), TestContext.Current.CancellationToken).Bookmark;
                Assert.Equal(last.Sequence + 1, next.Sequence);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(0L, "00000000-00000000-00000000-00000000000000000000000000000000")]
    [InlineData(0x1_0000_0002L, "00000001-00000002-00000000-00000000000000000000000000000000")]
    public void Bookmark_formats_fixed_width_hex_and_parses_back(long sequence, string text)
    {
        Assert.Equal(text, new Bookmark(sequence).ToString());
        Assert.True(Bookmark.TryParse(text, out var parsed));
        Assert.Equal(sequence, parsed.Sequence);
        Assert.False(Bookmark.TryParse(text.ToUpperInvariant().Replace('0', 'G'), out _));
    }
}
