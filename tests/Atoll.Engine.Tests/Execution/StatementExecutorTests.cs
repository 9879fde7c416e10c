using System.Text.Json;

namespace Atoll.Engine.Tests.Execution;

public sealed class StatementExecutorTests : IDisposable
{
    readonly TempDatabase _db = new("""
        CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n);
        INSERT INTO t VALUES (9007199254740993, 1.5, 'é🙈', x'00017fff', NULL);
        """);

    [Fact]
    public void Execute_writes_each_storage_class_like_d1()
        => Assert.Equal("""[{"i":9007199254740993,"r":1.5,"s":"é🙈","b":[0,1,127,255],"n":null}]""", _db.ResultsJson("SELECT * FROM t"));

    [Fact]
    public void Execute_writes_whole_reals_as_json_stringify_does_unless_typed_reals_are_asked_for()
    {
        const string sql = "SELECT 2.0 AS a, -0.0 AS b, 1e21 AS c, 1.5 AS d, 2 AS e";
        Assert.Equal("""[{"a":2,"b":-0,"c":1E+21,"d":1.5,"e":2}]""", _db.ResultsJson(sql));
        var typed = _db.Run(QueryRequest.Single(sql) with { TypedReals = true });
        Assert.Equal("""[{"a":2.0,"b":-0.0,"c":1E+21,"d":1.5,"e":2}]""", typed[0].GetProperty("results").GetRawText());
    }

    [Fact]
    public void Execute_writes_columns_and_rows_shape_with_duplicate_names()
    {
        var items = _db.Run(new QueryRequest([new Statement("SELECT 1 AS a, 2 AS a")], ResultShape.ColumnsAndRows));
        Assert.Equal("""{"columns":["a","a"],"rows":[[1,2]]}""", items[0].GetProperty("results").GetRawText());
    }

    [Fact]
    public void Execute_keeps_column_header_when_no_rows_match()
    {
        var items = _db.Run(new QueryRequest([new Statement("SELECT i FROM t WHERE 0")], ResultShape.ColumnsAndRows));
        Assert.Equal("""{"columns":["i"],"rows":[]}""", items[0].GetProperty("results").GetRawText());
    }

    [Fact]
    public void Execute_omits_results_for_none_shape()
    {
        var items = _db.Run(new QueryRequest([new Statement("SELECT 1")], ResultShape.None));
        Assert.False(items[0].TryGetProperty("results", out _));
        Assert.True(items[0].GetProperty("success").GetBoolean());
    }

    [Fact]
    public void Execute_binds_every_parameter_kind_exactly()
    {
        var json = _db.ResultsJson("SELECT ? AS i, ? AS r, ? AS s, ? AS b, ? AS n, typeof(?) AS t",
            SqlValue.FromInteger(long.MaxValue), SqlValue.FromReal(0.25), SqlValue.FromText("x'y"),
            SqlValue.FromBlob([1, 2]), SqlValue.Null, SqlValue.FromInteger(7));
        Assert.Equal($$"""[{"i":{{long.MaxValue}},"r":0.25,"s":"x'y","b":[1,2],"n":null,"t":"integer"}]""", json);
    }

    [Fact]
    public void Execute_binds_empty_text_and_blob_as_values_not_null()
        => Assert.Equal("""[{"s":"text","b":"blob"}]""",
            _db.ResultsJson("SELECT typeof(?) AS s, typeof(?) AS b", SqlValue.FromText(""), SqlValue.FromBlob([])));

    [Fact]
    public void Execute_binds_numbered_parameters_by_index()
        => Assert.Equal("""[{"a":"two","b":"one"}]""",
            _db.ResultsJson("SELECT ?2 AS a, ?1 AS b", SqlValue.FromText("one"), SqlValue.FromText("two")));

    [Fact]
    public void Execute_returns_one_result_per_statement_and_splits_trigger_bodies()
    {
        var items = _db.Run("""
            CREATE TABLE log(x);
            CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('a;b'); INSERT INTO log VALUES (2); END;
            INSERT INTO t(i) VALUES (1);
            SELECT count(*) AS c FROM log;
            """);
        Assert.Equal(4, items.GetArrayLength());
        Assert.Equal("""[{"c":2}]""", items[3].GetProperty("results").GetRawText());
        Assert.Equal(3, items[2].GetProperty("meta").GetProperty("changes").GetInt32()); // trigger rows count, as in D1
    }

    [Fact]
    public void Execute_last_statement_mode_returns_only_last_rows_and_all_changes()
    {
        var request = new QueryRequest([new Statement("INSERT INTO t(i) VALUES (5); INSERT INTO t(i) VALUES (6); SELECT count(*) AS c FROM t")],
            Results: StatementResults.LastStatement);
        var items = _db.Run(request);
        Assert.Equal(1, items.GetArrayLength());
        Assert.Equal("""[{"c":3}]""", items[0].GetProperty("results").GetRawText());
        Assert.Equal(2, items[0].GetProperty("meta").GetProperty("changes").GetInt32());
    }

    [Fact]
    public void Execute_rolls_back_whole_request_when_a_later_statement_fails()
    {
        var ex = Assert.Throws<D1Exception>(() => _db.Database.Execute(new QueryRequest([
            new Statement("INSERT INTO t(i) VALUES (100)"),
            new Statement("INSERT INTO nope VALUES (1)")]), TestContext.Current.CancellationToken));
        Assert.Equal("no such table: nope: SQLITE_ERROR", ex.Message);
        Assert.Equal("""[{"c":0}]""", _db.ResultsJson("SELECT count(*) AS c FROM t WHERE i = 100"));
    }

    [Theory]
    [InlineData("SELECT * FROM nope", "no such table: nope: SQLITE_ERROR")]
    [InlineData("SELECT * FROM t WHERE", "incomplete input: SQLITE_ERROR")]
    [InlineData("SELEC 1", "near \"SELEC\": syntax error at offset 0: SQLITE_ERROR")]
    [InlineData("SELECT nope FROM t", "no such column: nope at offset 7: SQLITE_ERROR")]
    [InlineData("SELECT 1 LIMIT 1.5", "datatype mismatch: SQLITE_MISMATCH")]
    [InlineData("SELECT 1; SELEC 2", "near \"SELEC\": syntax error at offset 10: SQLITE_ERROR")]
    public void Execute_throws_d1_wording_when_sql_fails(string sql, string expected)
    {
        var ex = _db.Fails(sql);
        Assert.Equal((D1ErrorCode.SqlError, expected), (ex.Code, ex.Message));
    }

    [Fact]
    public void Execute_reports_extended_code_for_constraint_failures()
    {
        _db.Run("CREATE TABLE u(e TEXT UNIQUE NOT NULL)");
        _db.Run("INSERT INTO u VALUES ('a')");
        Assert.Equal("UNIQUE constraint failed: u.e: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)",
            _db.Fails("INSERT INTO u VALUES ('a')").Message);
        Assert.Equal("NOT NULL constraint failed: u.e: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_NOTNULL)",
            _db.Fails("INSERT INTO u VALUES (NULL)").Message);
    }

    [Fact]
    public void Execute_enforces_foreign_keys_by_default()
    {
        _db.Run("CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INTEGER REFERENCES p(id))");
        Assert.Contains("FOREIGN KEY constraint failed", _db.Fails("INSERT INTO c VALUES (42)").Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Execute_rejects_wrong_parameter_count(int count)
    {
        var ex = _db.Fails("SELECT ?", Enumerable.Repeat(SqlValue.FromInteger(1), count).ToArray());
        Assert.Equal("Wrong number of parameter bindings for SQL query.", ex.Message);
    }

    [Fact]
    public void Execute_rejects_parameters_outside_the_last_statement()
        => Assert.Equal("When executing multiple SQL statements in a single call, only the last statement can have parameters.",
            _db.Fails("SELECT ?; SELECT 1").Message);

    [Theory]
    [InlineData("")]
    [InlineData("  -- just a comment\n")]
    public void Execute_rejects_text_without_a_statement(string sql)
        => Assert.Equal("SQL code did not contain a statement.", _db.Fails(sql).Message);

    [Fact]
    public void Execute_reports_meta_for_writes()
    {
        var items = _db.Run("INSERT INTO t(i) VALUES (1), (2)");
        var meta = items[0].GetProperty("meta");
        Assert.Equal(2, meta.GetProperty("changes").GetInt32());
        Assert.Equal(3, meta.GetProperty("last_row_id").GetInt32());
        Assert.True(meta.GetProperty("changed_db").GetBoolean());
        Assert.Equal(2, meta.GetProperty("rows_written").GetInt32());
        Assert.True(meta.GetProperty("size_after").GetInt64() >= 4096);
        Assert.True(meta.GetProperty("served_by_primary").GetBoolean());
        Assert.True(meta.GetProperty("duration").GetDouble() >= 0);
    }

    [Fact]
    public void Execute_reports_unchanged_db_for_reads()
    {
        var meta = _db.Run("SELECT * FROM t")[0].GetProperty("meta");
        Assert.False(meta.GetProperty("changed_db").GetBoolean());
        Assert.Equal(0, meta.GetProperty("changes").GetInt32());
        Assert.Equal(1, meta.GetProperty("rows_read").GetInt32());
    }

    [Fact]
    public void Execute_returns_rows_from_insert_returning()
        => Assert.Equal("""[{"i":77}]""", _db.ResultsJson("INSERT INTO t(i) VALUES (77) RETURNING i"));

    [Fact]
    public void Execute_runs_read_only_requests_on_a_reader()
    {
        Assert.True(_db.Database.Execute(QueryRequest.Single("SELECT 1"), TestContext.Current.CancellationToken).Totals.ReadOnly);
        Assert.False(_db.Database.Execute(QueryRequest.Single("INSERT INTO t(i) VALUES (1)"), TestContext.Current.CancellationToken).Totals.ReadOnly);
    }

    [Fact]
    public void Execute_sees_committed_writes_on_readers()
    {
        _db.Run("INSERT INTO t(i) VALUES (31337)");
        Assert.Equal("""[{"c":1}]""", _db.ResultsJson("SELECT count(*) AS c FROM t WHERE i = 31337"));
    }

    [Fact]
    public void Execute_refuses_writes_for_read_only_requests_and_keeps_data()
    {
        var ex = Assert.Throws<D1Exception>(() => _db.Database.Execute(
            QueryRequest.Single("DELETE FROM t") with { ReadOnly = true }, TestContext.Current.CancellationToken));
        Assert.Equal(D1ErrorCode.Authentication, ex.Code);
        Assert.Equal("""[{"c":1}]""", _db.ResultsJson("SELECT count(*) AS c FROM t"));
    }

    [Fact]
    public void Execute_supports_fts5_json_and_math()
    {
        _db.Run("CREATE VIRTUAL TABLE docs USING fts5(body); INSERT INTO docs VALUES ('hello world'), ('bye')");
        Assert.Equal("""[{"body":"hello world"}]""", _db.ResultsJson("SELECT body FROM docs WHERE docs MATCH 'hello'"));
        Assert.Equal("""[{"v":2,"s":2}]""", _db.ResultsJson("""SELECT json_extract('{"a":2}', '$.a') AS v, sqrt(4) AS s"""));
    }

    [Fact]
    public void Execute_encodes_infinity_as_null_like_json_stringify()
        => Assert.Equal("""[{"x":null}]""", _db.ResultsJson("SELECT 1e999 AS x"));

    [Fact]
    public void Execute_reuses_cached_statement_after_schema_change()
    {
        _db.Run("CREATE TABLE s(a)");
        _db.Run("INSERT INTO s VALUES (1)");
        Assert.Equal("""[{"a":1}]""", _db.ResultsJson("SELECT * FROM s"));
        _db.Run("ALTER TABLE s ADD COLUMN b DEFAULT 2");
        Assert.Equal("""[{"a":1,"b":2}]""", _db.ResultsJson("SELECT * FROM s"));
    }

    public void Dispose() => _db.Dispose();
}
