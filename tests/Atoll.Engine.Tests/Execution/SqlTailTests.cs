using System.Text;

namespace Atoll.Engine.Tests.Execution;

/// <summary>
/// A NUL byte ends SQLite's input: a loop over a SQL text that does not notice makes no progress and spins forever,
/// holding the database. Each case runs bounded, so a regression fails here instead of hanging the suite.
/// </summary>
public sealed class SqlTailTests : IDisposable
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    readonly TempDatabase _db = new("CREATE TABLE t(a)");

    [Theory]
    [InlineData("SELECT 1\0")]
    [InlineData("\0")]
    [InlineData(" \0 ")]
    [InlineData("SELECT 1;\0")]
    [InlineData("SELECT 1\0; SELECT 2")]
    [InlineData("-- note\n\0")]
    [InlineData("INSERT INTO t VALUES (1)\0")]
    [InlineData("INSERT INTO t VALUES (1); \0 INSERT INTO t VALUES (2)")]
    public async Task Execute_answers_d1s_error_for_a_nul_byte_and_the_database_keeps_answering(string sql)
    {
        var ct = TestContext.Current.CancellationToken;
        var run = Task.Run(() => Assert.Throws<D1Exception>(() => _db.Database.Execute(QueryRequest.Single(sql), ct)), ct);
        var error = await run.WaitAsync(Bound, ct);
        Assert.Equal((D1ErrorCode.SqlError, "SQL code did not contain a statement."), (error.Code, error.Message));
        var next = await Task.Run(() => _db.ResultsJson("SELECT count(*) AS n FROM t"), ct).WaitAsync(Bound, ct);
        Assert.Equal("""[{"n":0}]""", next); // nothing before the NUL was kept either
    }

    [Fact]
    public async Task Execute_refuses_a_nul_byte_from_a_read_only_request_too()
    {
        var ct = TestContext.Current.CancellationToken;
        var request = QueryRequest.Single("SELECT 1\0") with { ReadOnly = true };
        var error = await Task.Run(() => Assert.Throws<D1Exception>(() => _db.Database.Execute(request, ct)), ct).WaitAsync(Bound, ct);
        Assert.Equal("SQL code did not contain a statement.", error.Message);
    }

    [Fact]
    public async Task Execute_reports_a_nul_inside_a_string_literal_as_sqlite_does()
    {
        var ct = TestContext.Current.CancellationToken;
        var error = await Task.Run(() => _db.Fails("SELECT 'a\0b' AS s"), ct).WaitAsync(Bound, ct);
        Assert.Equal("unrecognized token: \"'a\" at offset 7: SQLITE_ERROR", error.Message); // miniflare's text
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES (1);\0")]
    [InlineData("INSERT INTO t VALUES (1);\n\0\nINSERT INTO t VALUES (2);")]
    public async Task Import_fails_on_a_nul_byte_and_leaves_the_database_unchanged(string script)
    {
        var ct = TestContext.Current.CancellationToken;
        var result = await Task.Run(() => _db.Database.Import(new MemoryStream(Encoding.UTF8.GetBytes(script)), ct), ct).WaitAsync(Bound, ct);
        Assert.False(result.Success);
        Assert.Equal("SQL code did not contain a statement.", result.Error!.Message);
        Assert.Equal("""[{"n":0}]""", _db.ResultsJson("SELECT count(*) AS n FROM t"));
    }

    public void Dispose() => _db.Dispose();
}
