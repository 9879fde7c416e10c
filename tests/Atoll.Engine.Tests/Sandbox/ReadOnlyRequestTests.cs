namespace Atoll.Engine.Tests.Sandbox;

/// <summary>A read-only token's request (<see cref="QueryRequest.ReadOnly"/>) can never produce a commit.</summary>
public sealed class ReadOnlyRequestTests : IDisposable
{
    readonly TempDatabase _db = new("CREATE TABLE t(a); CREATE INDEX t_a ON t(a); INSERT INTO t VALUES (1), (2)");

    EncodedResult Read(string sql) => _db.Database.Execute(QueryRequest.Single(sql) with { ReadOnly = true }, TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("PRAGMA optimize=0x10002")]
    [InlineData("PRAGMA optimize")]
    [InlineData("SELECT * FROM pragma_optimize(0x10002)")]
    [InlineData("PRAGMA foreign_keys=OFF")]
    [InlineData("PRAGMA defer_foreign_keys=ON")]
    [InlineData("PRAGMA case_sensitive_like=1")]
    [InlineData("PRAGMA recursive_triggers=1; SELECT 1")]
    [InlineData("SELECT 1; PRAGMA foreign_keys=0")]
    [InlineData("INSERT INTO t VALUES (3)")]
    [InlineData("INSERT INTO t VALUES (3) RETURNING a")]
    [InlineData("CREATE TABLE u(a)")]
    [InlineData("CREATE TABLE IF NOT EXISTS t(a)")]
    [InlineData("DROP TABLE IF EXISTS nope")]
    [InlineData("ANALYZE")]
    [InlineData("VACUUM")]
    [InlineData("DELETE FROM t WHERE 0")]
    [InlineData("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x")]
    public void Execute_refuses_every_write_and_setting_of_a_read_only_request_and_commits_nothing(string sql)
    {
        var before = _db.Database.CurrentBookmark;
        var error = Assert.Throws<D1Exception>(() => Read(sql));
        Assert.Equal(D1ErrorCode.Authentication, error.Code);
        Assert.Equal("not authorized to write: this API token may only read", error.Message);
        Assert.Equal(before, _db.Database.CurrentBookmark);
        Assert.Equal("[]", _db.ResultsJson("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%' OR name = 'u'"));
        Assert.Equal("""[{"n":2}]""", _db.ResultsJson("SELECT count(*) AS n FROM t"));
    }

    [Theory]
    [InlineData("SELECT a FROM t ORDER BY a")]
    [InlineData("PRAGMA table_info(t)")]
    [InlineData("PRAGMA table_list")]
    [InlineData("PRAGMA index_list(t)")]
    [InlineData("PRAGMA foreign_keys")]
    [InlineData("PRAGMA quick_check")]
    [InlineData("PRAGMA data_version")]
    [InlineData("PRAGMA page_size")]
    [InlineData("SELECT name FROM pragma_table_info('t')")]
    [InlineData("SELECT 1; SELECT a FROM t")]
    [InlineData("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) SELECT sum(x) FROM c")]
    public void Execute_runs_reads_and_introspection_of_a_read_only_request_on_a_reader(string sql)
    {
        var before = _db.Database.CurrentBookmark;
        var result = Read(sql);
        Assert.True(result.Totals.ReadOnly);
        Assert.Equal(before, result.Bookmark);
        Assert.Equal(before, _db.Database.CurrentBookmark);
    }

    [Fact]
    public void ExecuteWrite_refuses_a_read_only_request_outright()
    {
        var error = Assert.Throws<D1Exception>(() => _db.Database.ExecuteWrite(
            QueryRequest.Single("SELECT 1") with { ReadOnly = true }, TestContext.Current.CancellationToken));
        Assert.Equal(D1ErrorCode.Authentication, error.Code);
    }

    public void Dispose() => _db.Dispose();
}
