using System.Text;

namespace Atoll.Engine.Tests.Import;

public sealed class ScriptRunnerTests : IDisposable
{
    readonly TempDatabase _db = new("CREATE TABLE t(x); INSERT INTO t VALUES ('before');");

    ImportResult Import(string script, int chunk = int.MaxValue)
        => _db.Database.Import(new TrickleStream(Encoding.UTF8.GetBytes(script), chunk), TestContext.Current.CancellationToken);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(int.MaxValue)]
    public void Import_splits_statements_across_reads_keeping_trigger_bodies_and_quoted_semicolons(int chunk)
    {
        var result = Import("""
            -- a comment; with a semicolon
            CREATE TABLE log(m);
            CREATE TRIGGER tr AFTER INSERT ON t BEGIN
              INSERT INTO log VALUES ('one;');
              INSERT INTO log VALUES ('two');
            END;
            INSERT INTO t VALUES ('a;b'); /* c; */ INSERT INTO t VALUES ("x")
            """, chunk);
        Assert.True(result.Success, result.Error?.Message);
        Assert.Equal(4, result.NumQueries);
        Assert.Equal(6, result.Totals.RowsWritten);
        Assert.Equal("""[{"m":"one;"},{"m":"two"},{"m":"one;"},{"m":"two"}]""", _db.ResultsJson("SELECT m FROM log"));
        Assert.Equal("""[{"x":"before"},{"x":"a;b"},{"x":"x"}]""", _db.ResultsJson("SELECT x FROM t"));
        Assert.True(result.Bookmark.Sequence > 0);
    }

    [Theory]
    [InlineData("BEGIN TRANSACTION;")]
    [InlineData("COMMIT;")]
    [InlineData("SAVEPOINT s;")]
    public void Import_rejects_transaction_control_and_leaves_the_database_as_it_was(string control)
    {
        var before = _db.Database.CurrentBookmark;
        var result = Import($"INSERT INTO t VALUES ('gone');\n{control}\nINSERT INTO t VALUES ('gone too');");
        Assert.False(result.Success);
        Assert.StartsWith("cannot start a transaction within a transaction: SQLITE_ERROR", result.Error!.Message);
        Assert.Equal(2, result.FailedStatement);
        Assert.Equal(control, result.FailedSql);
        Assert.Equal("""[{"x":"before"}]""", _db.ResultsJson("SELECT x FROM t"));
        Assert.Equal(before, _db.Database.CurrentBookmark);
    }

    [Fact]
    public void Import_reports_the_failing_statement_of_a_syntax_error_and_rolls_back()
    {
        var result = Import("CREATE TABLE u(y);\nINSERT INTO u VALUES (1);\nINSERT INTO u VALUES (;\n");
        Assert.False(result.Success);
        Assert.Equal(3, result.FailedStatement);
        Assert.Matches("^near \";\": syntax error at offset \\d+: SQLITE_ERROR$", result.Error!.Message);
        Assert.Equal(D1ErrorCode.SqlError, _db.Fails("SELECT * FROM u").Code);
    }

    [Fact]
    public void Import_stops_a_statement_that_never_ends_at_the_size_limit()
    {
        using var db = new TempDatabase(options: new EngineOptions { MaxSqlLength = 1000, MaxValueLength = 1000 });
        var endless = new string('x', 100_000);
        var result = db.Database.Import(new MemoryStream(Encoding.UTF8.GetBytes($"SELECT '{endless}';")), TestContext.Current.CancellationToken);
        Assert.False(result.Success);
        Assert.Contains("SQLITE_TOOBIG", result.Error!.Message);
    }

    [Fact]
    public void Import_runs_sandbox_rules_on_the_script()
    {
        var result = Import("ATTACH 'x.db' AS x;");
        Assert.False(result.Success);
        Assert.Contains("not authorized", result.Error!.Message);
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read, to cut statements at every possible place.</summary>
    sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
    }

    public void Dispose() => _db.Dispose();
}
