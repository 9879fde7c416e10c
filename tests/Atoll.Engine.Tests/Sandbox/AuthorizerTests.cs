namespace Atoll.Engine.Tests.Sandbox;

public sealed class AuthorizerTests : IDisposable
{
    readonly TempDatabase _db = new("CREATE TABLE t(a)");

    [Theory]
    [InlineData("ATTACH DATABASE '/tmp/x.db' AS x")]
    [InlineData("DETACH DATABASE main")]
    [InlineData("CREATE TEMP TABLE tmp(a)")]
    [InlineData("CREATE TEMPORARY VIEW v AS SELECT 1")]
    [InlineData("CREATE TABLE _cf_KV(a)")]
    [InlineData("CREATE TABLE _CF_x(a)")]
    [InlineData("PRAGMA journal_mode=DELETE")]
    [InlineData("PRAGMA writable_schema=ON")]
    [InlineData("PRAGMA wal_checkpoint")]
    [InlineData("PRAGMA user_version = 7")]
    [InlineData("PRAGMA page_size = 1024")]
    [InlineData("PRAGMA optimize(-1)")]
    [InlineData("CREATE VIRTUAL TABLE v USING dbstat")]
    public void Execute_denies_statements_outside_d1s_sandbox(string sql)
    {
        var ex = _db.Fails(sql);
        Assert.EndsWith("SQLITE_AUTH", ex.Message);
        Assert.StartsWith("not authorized", ex.Message);
    }

    [Theory]
    [InlineData("SELECT sqlite_version()")]
    [InlineData("SELECT sqlite_source_id()")]
    [InlineData("SELECT sqlite_compileoption_used('ENABLE_FTS5')")]
    public void Execute_denies_functions_that_reveal_the_build(string sql)
        => Assert.Contains("not authorized to use function", _db.Fails(sql).Message);

    [Theory]
    [InlineData("BEGIN")]
    [InlineData("BEGIN TRANSACTION")]
    [InlineData("COMMIT")]
    [InlineData("ROLLBACK")]
    [InlineData("SAVEPOINT s")]
    [InlineData("RELEASE s")]
    public void Execute_rejects_transaction_control_with_a_message_pointing_to_batches(string sql)
    {
        var message = _db.Fails(sql).Message;
        Assert.Contains("batch()", message);
        Assert.EndsWith(": SQLITE_AUTH", message);
    }

    [Fact]
    public void Execute_leaves_earlier_statements_undone_when_begin_is_rejected()
    {
        _db.Fails("INSERT INTO t VALUES (1); BEGIN; INSERT INTO t VALUES (2)");
        Assert.Equal("""[{"c":0}]""", _db.ResultsJson("SELECT count(*) AS c FROM t"));
    }

    [Theory]
    [InlineData("PRAGMA table_list")]
    [InlineData("PRAGMA table_info(t)")]
    [InlineData("PRAGMA table_xinfo('t')")]
    [InlineData("PRAGMA index_list(t)")]
    [InlineData("PRAGMA foreign_key_list(t)")]
    [InlineData("PRAGMA foreign_key_check")]
    [InlineData("PRAGMA quick_check")]
    [InlineData("PRAGMA defer_foreign_keys = on")]
    [InlineData("PRAGMA foreign_keys = off")]
    [InlineData("PRAGMA case_sensitive_like = true")]
    [InlineData("PRAGMA recursive_triggers = 'yes'")]
    [InlineData("PRAGMA optimize")]
    [InlineData("PRAGMA data_version")]
    [InlineData("PRAGMA page_size")]
    [InlineData("SELECT * FROM pragma_table_info('t')")]
    public void Execute_allows_d1s_pragma_allowlist(string sql)
        => Assert.True(_db.Run(sql)[0].GetProperty("success").GetBoolean());

    [Theory]
    [InlineData("PRAGMA case_sensitive_like = true")]
    [InlineData("PRAGMA case_sensitive_like = 1; INSERT INTO t VALUES (0)")]
    public void Execute_resets_pragma_settings_after_the_request(string sql)
    {
        // Both on the writer (a PRAGMA never runs on a reader; a write with RETURNING neither), where a setting would linger.
        _db.Run(sql);
        Assert.Equal("""[{"m":1}]""", _db.ResultsJson("INSERT INTO t VALUES (1) RETURNING 'A' LIKE 'a' AS m"));
    }

    [Theory]
    [InlineData("CREATE VIRTUAL TABLE f USING fts5(body)")]
    [InlineData("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx)")]
    public void Execute_allows_fts5_and_rtree_virtual_tables(string sql)
        => Assert.True(_db.Run(sql)[0].GetProperty("success").GetBoolean());

    [Fact]
    public void Execute_lets_user_sql_read_sqlite_schema()
        => Assert.Equal("""[{"name":"t"}]""", _db.ResultsJson("SELECT name FROM sqlite_schema WHERE type = 'table'"));

    public void Dispose() => _db.Dispose();
}
