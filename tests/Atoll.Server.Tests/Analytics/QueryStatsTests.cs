using Atoll.Engine;
using Atoll.Server.Analytics;

namespace Atoll.Server.Tests.Analytics;

public sealed class QueryStatsTests : IDisposable
{
    readonly TempDataDirectory _data = new();
    static readonly DateTimeOffset From = DateTimeOffset.UtcNow.AddHours(-1), To = DateTimeOffset.UtcNow.AddHours(1);

    static QueryTotals Read(long rows) => new(rows, 0, rows, false, 8192, 1.5, ReadOnly: true);
    static QueryTotals Write(long rows) => new(0, rows, 0, true, 8192, 2.5, ReadOnly: false);
    static Statement[] Sql(string sql) => [new Statement(sql, [])];

    [Fact]
    public void Hours_sums_reads_and_writes_per_hour_for_the_asked_databases_only()
    {
        using var stats = new QueryStats(_data.Options);
        stats.Record("a", Sql("SELECT * FROM t"), Read(3));
        stats.Record("a", Sql("SELECT * FROM t"), Read(4));
        stats.Record("a", Sql("INSERT INTO t VALUES (1)"), Write(1));
        stats.Record("b", Sql("SELECT 1"), Read(1));
        var hour = Assert.Single(stats.Hours(["a"], From, To));
        Assert.Equal((2L, 1L, 7L, 1L), (hour.ReadQueries, hour.WriteQueries, hour.RowsRead, hour.RowsWritten));
        Assert.Equal(0, hour.Hour.Minute);
        Assert.Empty(stats.Hours(["a"], From.AddDays(-3), From.AddDays(-2)));
    }

    [Fact]
    public void Queries_groups_by_folded_text_and_sorts_as_asked()
    {
        using var stats = new QueryStats(_data.Options);
        for (var i = 0; i < 3; i++) stats.Record("a", Sql("SELECT *\n  FROM t;"), Read(10));
        stats.Record("a", Sql("SELECT * FROM t"), Read(10));
        stats.Record("a", Sql("INSERT INTO t VALUES (?)"), Write(5));
        var byCount = stats.Queries(["a"], From, To, QueryOrder.Parse("count_DESC")!, 10);
        Assert.Equal(["SELECT * FROM t", "INSERT INTO t VALUES (?)"], byCount.Select(q => q.Query));
        Assert.Equal((4L, 40L, 6.0), (byCount[0].Count, byCount[0].RowsRead, byCount[0].DurationMs));
        var byWrites = stats.Queries(["a"], From, To, QueryOrder.Parse("sum_rowsWritten_DESC")!, 1);
        Assert.Equal("INSERT INTO t VALUES (?)", Assert.Single(byWrites).Query);
    }

    [Fact]
    public void Figures_are_kept_in_the_data_directory_across_restarts()
    {
        using (var stats = new QueryStats(_data.Options)) stats.Record("a", Sql("SELECT 1"), Read(1));
        using var reopened = new QueryStats(_data.Options);
        reopened.Record("a", Sql("SELECT 1"), Read(1));
        Assert.Equal(2, Assert.Single(reopened.Queries(["a"], From, To, QueryOrder.Parse("count_DESC")!, 10)).Count);
    }

    [Theory]
    [InlineData("count_DESC", "n DESC")]
    [InlineData("sum_queryDurationMs_ASC", "d ASC")]
    [InlineData("avg_rowsRead_DESC", "rr * 1.0 / n DESC")]
    [InlineData("sum_rowsReturned_DESC", "rt DESC")]
    public void QueryOrder_turns_wranglers_terms_into_sql(string term, string sql) => Assert.Equal(sql, QueryOrder.Parse(term)!.Sql);

    [Theory]
    [InlineData("count")]
    [InlineData("sum_rowsRead_SIDEWAYS")]
    [InlineData("max_rowsRead_DESC")]
    [InlineData("sum_password_DESC; DROP TABLE queries")]
    public void QueryOrder_rejects_anything_else(string term) => Assert.Null(QueryOrder.Parse(term));

    public void Dispose() => _data.Dispose();
}
