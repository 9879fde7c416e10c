using SQLitePCL;

namespace Atoll.Engine.Tests;

/// <summary>The heap limit is process-wide: these tests run alone, so no other test's query meets it.</summary>
[CollectionDefinition(nameof(HeapLimitTests), DisableParallelization = true)]
public sealed class HeapLimitCollection;

[Collection(nameof(HeapLimitTests))]
public sealed class HeapLimitTests
{
    [Fact]
    public void Execute_fails_with_out_of_memory_at_the_heap_limit_and_keeps_answering()
    {
        var options = new EngineOptions { MaxValueLength = 100_000_000, SqliteHeapLimitBytes = 32L * 1024 * 1024 };
        try
        {
            using var db = new TempDatabase("CREATE TABLE t(a); INSERT INTO t VALUES (1)", options);
            var error = db.Fails("SELECT length(randomblob(60000000)) AS n");
            Assert.Equal("out of memory: SQLITE_NOMEM", error.Message);
            Assert.Equal("""[{"a":1}]""", db.ResultsJson("SELECT a FROM t"));
            Assert.Equal("""[{"n":1000000}]""", db.ResultsJson("SELECT length(randomblob(1000000)) AS n")); // under the limit: fine
        }
        finally
        {
            raw.sqlite3_hard_heap_limit64(0);
        }
    }
}
