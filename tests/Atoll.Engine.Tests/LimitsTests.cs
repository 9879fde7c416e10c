namespace Atoll.Engine.Tests;

public sealed class LimitsTests
{
    [Fact]
    public void Execute_rejects_sql_longer_than_the_limit()
    {
        using var db = new TempDatabase(options: new EngineOptions { MaxSqlLength = 1000 });
        var sql = "SELECT '" + new string('x', 1000) + "'";
        Assert.Contains("SQLITE_TOOBIG", db.Fails(sql).Message);
    }

    [Theory]
    [InlineData("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) SELECT x, randomblob(10000) AS b FROM c")]
    [InlineData("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) SELECT group_concat(x) OVER (ORDER BY x) AS g FROM c")]
    [InlineData("CREATE TABLE big(b); INSERT INTO big WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300) SELECT randomblob(100000) FROM c; SELECT b FROM big ORDER BY b")]
    public void Execute_fails_with_out_of_memory_when_a_result_passes_the_limit_and_keeps_answering(string sql)
    {
        using var db = new TempDatabase("CREATE TABLE t(a); INSERT INTO t VALUES (1)", new EngineOptions { MaxResultBytes = 4 * 1024 * 1024 });
        var before = db.Database.CurrentBookmark;
        var error = db.Fails(sql);
        Assert.Equal("out of memory: the result passed the limit of 4194304 bytes: SQLITE_NOMEM", error.Message);
        Assert.Equal(before, db.Database.CurrentBookmark); // rolled back whole
        Assert.Equal("""[{"a":1}]""", db.ResultsJson("SELECT a FROM t"));
        Assert.Equal("[]", db.ResultsJson("SELECT name FROM sqlite_master WHERE name = 'big'"));
    }

    [Fact]
    public void Execute_rejects_more_parameters_than_the_limit()
    {
        using var db = new TempDatabase();
        var sql = "SELECT " + string.Join(",", Enumerable.Repeat("?", 101));
        var ex = db.Fails(sql, Enumerable.Repeat(SqlValue.FromInteger(1), 101).ToArray());
        Assert.Contains("too many SQL variables", ex.Message);
    }

    [Fact]
    public void Execute_allows_exactly_the_parameter_limit()
    {
        using var db = new TempDatabase();
        var sql = "SELECT " + string.Join("+", Enumerable.Repeat("?", 100)) + " AS s";
        Assert.Equal("""[{"s":100}]""", db.ResultsJson(sql, Enumerable.Repeat(SqlValue.FromInteger(1), 100).ToArray()));
    }

    [Fact]
    public void Execute_rejects_values_longer_than_the_limit_and_writes_nothing()
    {
        using var db = new TempDatabase("CREATE TABLE t(v)", new EngineOptions { MaxValueLength = 10_000 });
        var ex = db.Fails("INSERT INTO t VALUES (?)", SqlValue.FromText(new string('x', 10_001)));
        Assert.Contains("SQLITE_TOOBIG", ex.Message);
        Assert.Contains("SQLITE_TOOBIG", db.Fails("SELECT zeroblob(20000)").Message);
        Assert.Equal("""[{"c":0}]""", db.ResultsJson("SELECT count(*) AS c FROM t"));
    }

    [Fact]
    public void Execute_rejects_tables_with_more_columns_than_the_limit()
    {
        using var db = new TempDatabase();
        var columns = string.Join(", ", Enumerable.Range(0, 101).Select(i => $"c{i}"));
        Assert.Contains("too many columns", db.Fails($"CREATE TABLE wide({columns})").Message);
    }

    [Fact]
    public void Execute_interrupts_a_request_past_the_time_limit_with_a_clear_error()
    {
        using var db = new TempDatabase(options: new EngineOptions { MaxRequestDuration = TimeSpan.FromMilliseconds(200) });
        var ex = db.Fails("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n");
        Assert.Contains("time limit", ex.Message);
        Assert.EndsWith("SQLITE_INTERRUPT", ex.Message);
        Assert.Equal("""[{"x":1}]""", db.ResultsJson("SELECT 1 AS x")); // the database still answers
    }

    [Fact]
    public void Execute_interrupts_a_write_past_the_time_limit_and_rolls_it_back()
    {
        using var db = new TempDatabase("CREATE TABLE t(i)", new EngineOptions { MaxRequestDuration = TimeSpan.FromMilliseconds(200) });
        db.Fails("INSERT INTO t WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n");
        Assert.Equal("""[{"c":0}]""", db.ResultsJson("SELECT count(*) AS c FROM t"));
    }

    [Fact]
    public void Execute_fails_cleanly_when_the_database_would_grow_past_its_size_limit()
    {
        using var db = new TempDatabase("CREATE TABLE t(v)", new EngineOptions { MaxDatabaseSizeBytes = 256 * 1024 });
        db.Run("INSERT INTO t VALUES (randomblob(1000))");
        var ex = db.Fails("INSERT INTO t SELECT randomblob(1000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT i FROM n)");
        Assert.Contains("SQLITE_FULL", ex.Message);
        Assert.Equal("""[{"c":1}]""", db.ResultsJson("SELECT count(*) AS c FROM t")); // nothing half-written
        Assert.Equal("""[{"quick_check":"ok"}]""", db.ResultsJson("SELECT * FROM pragma_quick_check"));
    }

    [Fact]
    public void Execute_honours_cancellation()
    {
        using var db = new TempDatabase();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var ex = Assert.Throws<D1Exception>(() => db.Database.Execute(QueryRequest.Single(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"), cancel.Token));
        Assert.Contains("cancelled", ex.Message);
    }

    [Fact]
    public void Validate_names_the_setting_that_is_out_of_range()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new EngineOptions { MaxBoundParameters = 0 }.Validate());
        Assert.Contains(nameof(EngineOptions.MaxBoundParameters), ex.Message);
    }
}
