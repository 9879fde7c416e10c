namespace Atoll.Engine.Tests;

/// <summary>Whether a request can write, judged from its text: what a cluster relies on to retry a request on another node.</summary>
public sealed class QueryRequestTests
{
    [Theory]
    [InlineData("SELECT 1", true)]
    [InlineData("  -- comment\n select * from t where x = ';'", false)] // a semicolon anywhere before the end: counted as a write
    [InlineData("SELECT * FROM t;", true)]
    [InlineData("EXPLAIN QUERY PLAN SELECT 1", true)]
    [InlineData("SELECT 1; DELETE FROM t", false)]
    [InlineData("WITH x AS (SELECT 1) DELETE FROM t", false)]
    [InlineData("INSERT INTO t VALUES (1)", false)]
    [InlineData("PRAGMA quick_check", false)]
    [InlineData("SELECTED", false)]
    public void CannotWrite_is_true_only_for_single_reads(string sql, bool expected)
        => Assert.Equal(expected, QueryRequest.Single(sql).CannotWrite);

    [Fact]
    public void CannotWrite_is_true_for_a_read_only_request_whatever_its_text()
        => Assert.True((QueryRequest.Single("DELETE FROM t") with { ReadOnly = true }).CannotWrite);

    [Fact]
    public void CannotWrite_needs_every_statement_to_read()
        => Assert.False(new QueryRequest([new Statement("SELECT 1"), new Statement("UPDATE t SET x = 1")]).CannotWrite);
}
