namespace Atoll.Engine.Tests.Execution;

/// <summary>
/// Statements are kept prepared between requests (per connection), with their column names encoded once: a schema change
/// must show in the next result, and a text found to write must keep running correctly on the writer.
/// </summary>
public sealed class StatementReuseTests
{
    [Fact]
    public void A_cached_select_shows_renamed_and_added_columns_after_the_schema_changes()
    {
        using var db = new TempDatabase("CREATE TABLE t(a INTEGER); INSERT INTO t VALUES (1)");
        for (var i = 0; i < 3; i++) Assert.Equal("""[{"a":1}]""", db.ResultsJson("SELECT * FROM t")); // every reader has it cached

        db.Run("ALTER TABLE t RENAME COLUMN a TO b");
        for (var i = 0; i < 3; i++) Assert.Equal("""[{"b":1}]""", db.ResultsJson("SELECT * FROM t"));

        db.Run("ALTER TABLE t ADD COLUMN c TEXT DEFAULT 'x'");
        for (var i = 0; i < 3; i++) Assert.Equal("""[{"b":1,"c":"x"}]""", db.ResultsJson("SELECT * FROM t"));
    }

    [Fact]
    public void A_write_known_from_an_earlier_request_still_runs_once_on_the_writer_and_reads_are_unaffected()
    {
        using var db = new TempDatabase("CREATE TABLE t(a INTEGER)");
        for (var i = 1; i <= 5; i++)
        {
            var insert = QueryRequest.Single("INSERT INTO t VALUES (?)", SqlValue.FromInteger(i));
            // From the second time on the engine knows this text writes and sends it straight to the writer.
            Assert.Equal(i > 1, db.Database.IsKnownWrite(insert));
            var result = db.Database.Execute(insert, TestContext.Current.CancellationToken);
            Assert.False(result.Totals.ReadOnly);
            Assert.Equal(1, result.Totals.RowsWritten);
        }
        Assert.Equal("""[{"n":5,"s":15}]""", db.ResultsJson("SELECT count(*) AS n, sum(a) AS s FROM t"));
        Assert.False(db.Database.IsKnownWrite(QueryRequest.Single("SELECT count(*) AS n, sum(a) AS s FROM t")));
        // A read-only token's request is never sent to the writer on the hint: it must fail on the reader, as before.
        Assert.False(db.Database.IsKnownWrite(QueryRequest.Single("INSERT INTO t VALUES (?)", SqlValue.FromInteger(6)) with { ReadOnly = true }));
    }
}
