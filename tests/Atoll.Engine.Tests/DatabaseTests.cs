using System.Diagnostics;

namespace Atoll.Engine.Tests;

public sealed class DatabaseTests
{
    // Long in SQL (seconds, so a loaded machine cannot outrun it), small on disk: still executing while the read runs.
    const string SlowWrite = "INSERT INTO t SELECT count(*) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000000) SELECT i FROM n)";

    [Fact]
    public async Task Execute_runs_reads_on_readers_while_a_write_is_running()
    {
        using var db = new TempDatabase("CREATE TABLE t(i); CREATE TABLE r(v); INSERT INTO r VALUES ('visible')");
        var write = Task.Run(() => db.Database.Execute(QueryRequest.Single(SlowWrite), TestContext.Current.CancellationToken),
            TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(write.IsCompleted, "the write finished too fast to prove anything");
        var clock = Stopwatch.StartNew();
        var read = db.Database.Execute(QueryRequest.Single("SELECT v, (SELECT count(*) FROM t) AS n FROM r"), TestContext.Current.CancellationToken);
        clock.Stop();
        Assert.False(write.IsCompleted, $"the read waited for the write ({clock.ElapsedMilliseconds} ms)");
        Assert.True(read.Totals.ReadOnly);
        Assert.Contains("\"v\":\"visible\",\"n\":0", System.Text.Encoding.UTF8.GetString(read.Json)); // the committed snapshot
        await write;
        Assert.Equal("""[{"n":1,"i":20000000}]""", db.ResultsJson("SELECT count(*) AS n, max(i) AS i FROM t"));
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
