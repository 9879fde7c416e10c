using SQLitePCL;

namespace Atoll.Engine.Tests.Sandbox;

/// <summary>
/// Every way found to reach past D1's sandbox: the temp schema, attached schemas, PRAGMAs and their table-valued forms,
/// virtual and shadow tables, reserved names. Each is refused with D1's text (miniflare's where it was checked), and
/// leaves nothing behind.
/// </summary>
public sealed class SandboxTests : IDisposable
{
    const string NotAuthorized = "not authorized";
    readonly TempDatabase _db = new(
        "CREATE TABLE t(a); CREATE TABLE m(id INTEGER PRIMARY KEY); CREATE VIRTUAL TABLE f USING fts5(body); " +
        "CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx); INSERT INTO f VALUES ('hello world')");

    // --- the temp schema ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("CREATE TABLE temp.x(y)")]
    [InlineData("CREATE TABLE TEMP.x(y)")]
    [InlineData("CREATE TABLE \"temp\".x(y)")]
    [InlineData("CREATE TABLE temp.x AS SELECT 1 AS y")]
    [InlineData("CREATE TABLE IF NOT EXISTS temp.x(y)")]
    [InlineData("CREATE VIEW temp.v AS SELECT 1")]
    [InlineData("CREATE TRIGGER temp.tg AFTER INSERT ON main.m BEGIN SELECT 1; END")]
    [InlineData("CREATE TEMP TRIGGER tg AFTER INSERT ON m BEGIN SELECT 1; END")]
    [InlineData("CREATE TEMP TABLE x(y)")]
    [InlineData("CREATE TEMPORARY VIEW v AS SELECT 1")]
    [InlineData("CREATE VIRTUAL TABLE temp.ft USING fts5(a)")]
    [InlineData("INSERT INTO temp.sqlite_master VALUES ('table', 'x', 'x', 0, 'CREATE TABLE x(y)')")]
    [InlineData("SELECT 1; CREATE TABLE temp.x(y); SELECT 2")]
    public void Execute_refuses_every_way_into_the_temp_schema(string sql)
    {
        AssertNotAuthorized(_db.Fails(sql));
        AssertTempSchemaEmpty();
    }

    [Theory]
    [InlineData("CREATE INDEX temp.i ON t(a)")] // SQLite looks for temp.t: "no such table"
    [InlineData("DROP TABLE temp.x")]
    [InlineData("DROP TRIGGER temp.tg")]
    [InlineData("UPDATE sqlite_master SET sql = 'CREATE TABLE t(a, b)' WHERE name = 't'")]
    [InlineData("DELETE FROM sqlite_schema")]
    [InlineData("UPDATE temp.sqlite_master SET name = 'x'")]
    public void Execute_fails_on_temp_objects_that_cannot_exist_and_keeps_nothing(string sql)
    {
        _db.Fails(sql);
        AssertTempSchemaEmpty();
    }

    [Fact]
    public void Execute_keeps_no_temp_trigger_that_would_fire_on_later_requests()
    {
        _db.Fails("CREATE TRIGGER temp.tg AFTER INSERT ON main.m BEGIN INSERT INTO t VALUES ('fired'); END");
        _db.Run("INSERT INTO m DEFAULT VALUES");
        Assert.Equal("""[{"n":0}]""", _db.ResultsJson("SELECT count(*) AS n FROM t"));
    }

    [Fact]
    public void Execute_keeps_renames_and_drops_of_main_tables_working_beside_the_temp_ban()
    {
        // ALTER TABLE and DROP TABLE update SQLite's own temp catalog: the ban must not break them.
        _db.Run("CREATE TABLE old(a); CREATE INDEX old_a ON old(a); CREATE TRIGGER old_t AFTER INSERT ON old BEGIN SELECT 1; END");
        _db.Run("ALTER TABLE old RENAME TO renamed");
        _db.Run("ALTER TABLE renamed RENAME COLUMN a TO b");
        _db.Run("DROP TABLE renamed");
        Assert.Equal("[]", _db.ResultsJson("SELECT name FROM sqlite_master WHERE tbl_name IN ('old', 'renamed')"));
    }

    [Fact]
    public void Commit_refuses_a_transaction_that_left_anything_in_the_temp_schema()
    {
        // The second line behind the authorizer: even if a temp object slipped through, it cannot commit.
        var writer = _db.Database.Writer;
        writer.Authorizer.Trusted = true;
        try
        {
            writer.Begin();
            writer.ExecTrusted("CREATE TEMP TABLE slipped(a)");
        }
        finally
        {
            writer.Authorizer.Trusted = false;
        }
        var error = Assert.Throws<D1Exception>(() => writer.CommitNext(0));
        Assert.Equal("not authorized: SQLITE_AUTH", error.Message);
        AssertTempSchemaEmpty();
    }

    // --- attached schemas ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("ATTACH DATABASE ':memory:' AS x")]
    [InlineData("ATTACH DATABASE 'file:other.db' AS x")]
    [InlineData("ATTACH 'x.db' AS x; CREATE TABLE x.t(a)")]
    [InlineData("DETACH DATABASE main")]
    public void Execute_refuses_attached_schemas(string sql) => Assert.StartsWith(NotAuthorized, _db.Fails(sql).Message);

    [Fact]
    public void Execute_refuses_vacuum_into_another_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "atoll-escape-" + Guid.NewGuid().ToString("N") + ".db");
        _db.Fails($"VACUUM INTO '{path}'");
        Assert.False(File.Exists(path));
    }

    // --- PRAGMAs and their table-valued forms --------------------------------------------------------------------

    [Theory]
    [InlineData("PRAGMA journal_mode")]
    [InlineData("PRAGMA journal_mode=DELETE")]
    [InlineData("PRAGMA main.journal_mode=MEMORY")]
    [InlineData("PRAGMA locking_mode=EXCLUSIVE")]
    [InlineData("PRAGMA mmap_size=1000000000")]
    [InlineData("PRAGMA cache_size=-100000000")]
    [InlineData("PRAGMA temp_store=MEMORY")]
    [InlineData("PRAGMA schema_version=1")]
    [InlineData("PRAGMA schema_version")]
    [InlineData("PRAGMA writable_schema=ON")]
    [InlineData("PRAGMA writable_schema=RESET")]
    [InlineData("PRAGMA trusted_schema=ON")]
    [InlineData("PRAGMA user_version=7")]
    [InlineData("PRAGMA application_id=7")]
    [InlineData("PRAGMA max_page_count=1")]
    [InlineData("PRAGMA page_size=1024")]
    [InlineData("PRAGMA synchronous=OFF")]
    [InlineData("PRAGMA secure_delete=ON")]
    [InlineData("PRAGMA auto_vacuum=FULL")]
    [InlineData("PRAGMA busy_timeout=0")]
    [InlineData("PRAGMA query_only=ON")]
    [InlineData("PRAGMA soft_heap_limit=1")]
    [InlineData("PRAGMA hard_heap_limit=1")]
    [InlineData("PRAGMA threads=8")]
    [InlineData("PRAGMA cell_size_check=ON")]
    [InlineData("PRAGMA wal_checkpoint(TRUNCATE)")]
    [InlineData("PRAGMA wal_autocheckpoint=1")]
    [InlineData("PRAGMA integrity_check")]
    [InlineData("PRAGMA compile_options")]
    [InlineData("PRAGMA function_list")]
    [InlineData("PRAGMA module_list")]
    [InlineData("PRAGMA pragma_list")]
    [InlineData("PRAGMA database_list")]
    [InlineData("PRAGMA collation_list")]
    [InlineData("PRAGMA shrink_memory")]
    [InlineData("PRAGMA incremental_vacuum")]
    [InlineData("PRAGMA optimize(-1)")]
    [InlineData("PRAGMA temp.table_info(t)")]
    [InlineData("PRAGMA foreign_keys=2; PRAGMA writable_schema=1")]
    [InlineData("SELECT * FROM pragma_journal_mode")]
    [InlineData("SELECT * FROM pragma_compile_options")]
    [InlineData("SELECT * FROM pragma_function_list")]
    [InlineData("SELECT * FROM pragma_module_list")]
    [InlineData("SELECT * FROM pragma_database_list")]
    [InlineData("SELECT * FROM pragma_schema_version")]
    [InlineData("SELECT * FROM pragma_cache_size")]
    [InlineData("SELECT * FROM pragma_table_info('t', 'temp')")]
    [InlineData("SELECT * FROM pragma_integrity_check")]
    [InlineData("INSERT INTO t SELECT compile_options FROM pragma_compile_options")]
    public void Execute_refuses_pragmas_outside_the_allowlist_in_every_form(string sql)
    {
        AssertNotAuthorized(_db.Fails(sql));
    }

    [Theory]
    [InlineData("SELECT name FROM pragma_table_info('t')")]
    [InlineData("SELECT * FROM pragma_index_list('t')")]
    [InlineData("SELECT * FROM pragma_foreign_key_list('t')")]
    [InlineData("SELECT * FROM pragma_table_list")]
    [InlineData("PRAGMA main.table_info(t)")]
    [InlineData("PRAGMA recursive_triggers = 1")]
    [InlineData("PRAGMA reverse_unordered_selects = yes")]
    public void Execute_allows_the_allowlisted_pragmas_in_every_form(string sql)
        => Assert.True(_db.Run(sql)[0].GetProperty("success").GetBoolean());

    [Fact]
    public void Execute_resets_a_cached_pragma_setting_each_time_it_runs()
    {
        // A setting statement is never cached: a cached run would skip the authorizer that asks for the reset.
        for (var i = 0; i < 3; i++)
        {
            _db.Run("PRAGMA case_sensitive_like = true; INSERT INTO t VALUES (0)");
            _db.Run("PRAGMA case_sensitive_like = true");
            Assert.Equal("""[{"m":1}]""", _db.ResultsJson("INSERT INTO t VALUES (1) RETURNING 'A' LIKE 'a' AS m"));
        }
    }

    [Fact]
    public void Execute_keeps_recursive_triggers_for_the_request_only()
    {
        _db.Run("CREATE TABLE c(n); CREATE TRIGGER again AFTER INSERT ON c WHEN new.n < 3 BEGIN INSERT INTO c VALUES (new.n + 1); END");
        _db.Run("PRAGMA recursive_triggers = on; INSERT INTO c VALUES (0)");
        Assert.Equal("""[{"n":4}]""", _db.ResultsJson("SELECT count(*) AS n FROM c"));
        _db.Run("DELETE FROM c; INSERT INTO c VALUES (0)");
        Assert.Equal("""[{"n":2}]""", _db.ResultsJson("SELECT count(*) AS n FROM c")); // off again: the trigger fires once
    }

    // --- virtual tables and shadow tables ----------------------------------------------------------------------

    [Theory]
    [InlineData("SELECT * FROM dbstat")]
    [InlineData("SELECT * FROM sqlite_dbpage")]
    [InlineData("INSERT INTO sqlite_dbpage(pgno, data) VALUES (1, zeroblob(4096))")]
    [InlineData("SELECT * FROM sqlite_dbdata")]
    [InlineData("SELECT * FROM sqlite_stmt")]
    [InlineData("CREATE VIRTUAL TABLE d USING dbstat")]
    [InlineData("CREATE VIRTUAL TABLE s USING fts4(a)")]
    [InlineData("CREATE VIRTUAL TABLE s USING fts3(a)")]
    [InlineData("CREATE VIRTUAL TABLE s USING json_each")]
    [InlineData("CREATE VIRTUAL TABLE s USING sqlite_dbpage")]
    public void Execute_refuses_virtual_tables_other_than_fts5_and_rtree(string sql)
    {
        // D1 (miniflare) answers "no such table" where its build lacks the module; either way nothing is reached.
        var message = _db.Fails(sql).Message;
        Assert.True(message.StartsWith(NotAuthorized, StringComparison.Ordinal) || message.StartsWith("no such", StringComparison.Ordinal)
            || message.StartsWith("access to", StringComparison.Ordinal), message);
    }

    [Fact]
    public void Execute_allows_json_table_functions()
        => Assert.Equal("""[{"value":1},{"value":2}]""", _db.ResultsJson("SELECT value FROM json_each('[1,2]')"));

    [Theory]
    [InlineData("INSERT INTO f_data VALUES (99, x'00')")]
    [InlineData("UPDATE f_data SET block = x'00'")]
    [InlineData("DELETE FROM f_idx")]
    [InlineData("UPDATE f_content SET c0 = 'changed'")]
    [InlineData("DELETE FROM f_docsize")]
    [InlineData("INSERT INTO f_config VALUES ('version', 99)")]
    [InlineData("DROP TABLE f_data")]
    [InlineData("DELETE FROM r_node")]
    [InlineData("INSERT INTO r_rowid VALUES (5, 5)")]
    [InlineData("DROP TABLE r_parent")]
    public void Execute_refuses_direct_writes_to_shadow_tables(string sql)
    {
        _db.Fails(sql);
        Assert.Equal("""[{"n":1}]""", _db.ResultsJson("SELECT count(*) AS n FROM f WHERE f MATCH 'hello'"));
    }

    // --- reserved names ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("CREATE TABLE _cf_KV(a)")]
    [InlineData("CREATE TABLE \"_CF_kv\"(a)")]
    [InlineData("CREATE TABLE [_cf_x](a)")]
    [InlineData("CREATE VIEW _cf_v AS SELECT 1")]
    [InlineData("CREATE INDEX _cf_i ON t(a)")]
    [InlineData("CREATE TRIGGER _cf_tg AFTER INSERT ON t BEGIN SELECT 1; END")]
    [InlineData("CREATE VIRTUAL TABLE _cf_f USING fts5(a)")]
    [InlineData("ALTER TABLE t RENAME TO _cf_KV")]
    [InlineData("ALTER TABLE t RENAME TO \"_Cf_KV\"")]
    [InlineData("ALTER TABLE main.t RENAME TO [_cf_METADATA]")]
    [InlineData("ALTER TABLE f RENAME TO _cf_f")]
    [InlineData("INSERT INTO t VALUES (1); ALTER TABLE t RENAME TO _cf_KV; SELECT 1")]
    public void Execute_refuses_reserved_names_however_they_are_given(string sql)
    {
        AssertNotAuthorized(_db.Fails(sql));
        Assert.Equal("[]", _db.ResultsJson("SELECT name FROM sqlite_master WHERE lower(name) LIKE '\\_cf\\_%' ESCAPE '\\'"));
        Assert.Equal("""[{"n":0}]""", _db.ResultsJson("SELECT count(*) AS n FROM t"));
    }

    [Fact]
    public void Execute_refuses_a_rename_to_a_reserved_name_every_time_it_is_sent()
    {
        // The second try would come from the statement cache, which skips the authorizer.
        for (var i = 0; i < 3; i++) Assert.StartsWith(NotAuthorized, _db.Fails("ALTER TABLE t RENAME TO _cf_KV").Message);
        _db.Run("ALTER TABLE t RENAME TO ordinary");
        Assert.Equal("""[{"name":"ordinary"}]""", _db.ResultsJson("SELECT name FROM sqlite_master WHERE name = 'ordinary'"));
    }

    // --- functions ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("SELECT load_extension('/tmp/x.so')")]
    [InlineData("SELECT sqlite_version()")]
    [InlineData("SELECT sqlite_source_id()")]
    [InlineData("SELECT fts3_tokenizer('simple')")]
    public void Execute_refuses_functions_outside_the_sandbox(string sql)
        => Assert.StartsWith(NotAuthorized, _db.Fails(sql).Message);

    static void AssertNotAuthorized(D1Exception error)
    {
        Assert.StartsWith(NotAuthorized, error.Message);
        Assert.EndsWith("SQLITE_AUTH", error.Message);
    }

    void AssertTempSchemaEmpty()
    {
        Assert.Equal("""[{"n":0}]""", _db.ResultsJson("SELECT count(*) AS n FROM temp.sqlite_master"));
        // And on the writer itself, where a write request's temp objects would live.
        using var statement = PrepareOnWriter("SELECT count(*) FROM temp.sqlite_master");
        Assert.Equal(raw.SQLITE_ROW, raw.sqlite3_step(statement));
        Assert.Equal(0, raw.sqlite3_column_int(statement, 0));
    }

    sqlite3_stmt PrepareOnWriter(string sql)
    {
        var writer = _db.Database.Writer;
        writer.Authorizer.Trusted = true;
        try
        {
            Assert.Equal(raw.SQLITE_OK, raw.sqlite3_prepare_v2(writer.Handle, sql, out var statement));
            return statement;
        }
        finally
        {
            writer.Authorizer.Trusted = false;
        }
    }

    public void Dispose() => _db.Dispose();
}
