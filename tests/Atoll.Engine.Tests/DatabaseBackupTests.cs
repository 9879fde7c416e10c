namespace Atoll.Engine.Tests;

/// <summary><see cref="Database.BackupTo"/>: the file behind the binding's <c>dump()</c>.</summary>
public sealed class DatabaseBackupTests : IDisposable
{
    readonly TempDatabase _db = new("CREATE TABLE t(i INTEGER PRIMARY KEY, s TEXT); INSERT INTO t(s) VALUES ('a'), ('b');");
    readonly string _copy = Path.Combine(Path.GetTempPath(), "atoll-backup-" + Guid.NewGuid().ToString("N") + ".sqlite");

    [Fact]
    public void BackupTo_writes_a_sqlite_file_holding_every_committed_row()
    {
        var bookmark = _db.Database.BackupTo(_copy, TestContext.Current.CancellationToken);

        Assert.Equal(_db.Database.CurrentBookmark, bookmark);
        Assert.Equal("SQLite format 3\0"u8.ToArray(), File.ReadAllBytes(_copy)[..16]);
        using var copy = Database.Open(_copy);
        var rows = System.Text.Json.JsonDocument.Parse(copy.Execute(QueryRequest.Single("SELECT s FROM t ORDER BY i"), TestContext.Current.CancellationToken).Json).RootElement;
        Assert.Equal("""[{"s":"a"},{"s":"b"}]""", rows[0].GetProperty("results").GetRawText());
    }

    [Fact]
    public void BackupTo_leaves_later_writes_out_of_an_earlier_copy()
    {
        _db.Database.BackupTo(_copy, TestContext.Current.CancellationToken);
        _db.Run("INSERT INTO t(s) VALUES ('c')");

        using var copy = Database.Open(_copy);
        var rows = System.Text.Json.JsonDocument.Parse(copy.Execute(QueryRequest.Single("SELECT count(*) AS n FROM t"), TestContext.Current.CancellationToken).Json).RootElement;
        Assert.Equal(2, rows[0].GetProperty("results")[0].GetProperty("n").GetInt32());
    }

    public void Dispose()
    {
        _db.Dispose();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_copy + suffix);
    }
}
