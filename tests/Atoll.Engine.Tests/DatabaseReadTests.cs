using System.Text.Json;

namespace Atoll.Engine.Tests;

/// <summary>Reads run on reader connections but report what D1's single connection would.</summary>
public sealed class DatabaseReadTests : IDisposable
{
    readonly TempDatabase _db = new("CREATE TABLE t(i INTEGER PRIMARY KEY, s TEXT); INSERT INTO t(s) VALUES ('a'), ('b'), ('c');");

    [Fact]
    public void TryExecuteRead_reports_the_writers_last_row_id()
    {
        var result = _db.Database.TryExecuteRead(QueryRequest.Single("SELECT count(*) AS n FROM t"), TestContext.Current.CancellationToken);

        Assert.NotNull(result);
        var meta = JsonDocument.Parse(result.Json).RootElement[0].GetProperty("meta");
        Assert.Equal(3, meta.GetProperty("last_row_id").GetInt64());
        Assert.False(meta.GetProperty("changed_db").GetBoolean());
    }

    public void Dispose() => _db.Dispose();
}
