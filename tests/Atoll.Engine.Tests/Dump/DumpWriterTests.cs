using System.Text;

namespace Atoll.Engine.Tests.Dump;

public sealed class DumpWriterTests : IDisposable
{
    readonly TempDatabase _db = new();

    string Dump(DumpOptions? options = null, Database? database = null)
    {
        using var output = new MemoryStream();
        (database ?? _db.Database).Dump(output, options ?? new DumpOptions(), TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public void Dump_writes_d1_format_with_tables_rows_then_indexes_triggers_and_views()
    {
        _db.Run("""
            CREATE TABLE "my table"(id INTEGER PRIMARY KEY AUTOINCREMENT, s TEXT, r REAL, b BLOB, n);
            CREATE TABLE plain(x);
            CREATE INDEX plain_x ON plain(x);
            CREATE VIEW v AS SELECT x FROM plain;
            CREATE TRIGGER tr AFTER INSERT ON plain BEGIN SELECT 1; END;
            INSERT INTO "my table"(s, r, b, n) VALUES ('it''s', 1.5, x'00ff', NULL), ('a
            b', 2.0, NULL, 9007199254740993);
            INSERT INTO plain VALUES (1e-7), (1e21), (-0.25);
            """);
        var expected = string.Join("\n",
            "PRAGMA defer_foreign_keys=TRUE;",
            """CREATE TABLE IF NOT EXISTS "my table"(id INTEGER PRIMARY KEY AUTOINCREMENT, s TEXT, r REAL, b BLOB, n);""",
            """INSERT INTO "my table" ("id","s","r","b","n") VALUES(1,'it''s',1.5,X'00ff',NULL);""",
            """INSERT INTO "my table" ("id","s","r","b","n") VALUES(2,replace('a\nb','\n',char(10)),2.0,NULL,9007199254740993);""",
            "CREATE TABLE plain(x);",
            """INSERT INTO "plain" ("x") VALUES(1e-7);""",
            """INSERT INTO "plain" ("x") VALUES(1e+21);""",
            """INSERT INTO "plain" ("x") VALUES(-0.25);""",
            "DELETE FROM sqlite_sequence;",
            """INSERT INTO "sqlite_sequence" ("name","seq") VALUES('my table',2);""",
            "CREATE INDEX plain_x ON plain(x);",
            "CREATE TRIGGER tr AFTER INSERT ON plain BEGIN SELECT 1; END;",
            "CREATE VIEW v AS SELECT x FROM plain;",
            "");
        Assert.Equal(expected, Dump());
    }

    [Fact]
    public void Dump_honours_no_schema_no_data_and_table_filter()
    {
        _db.Run("CREATE TABLE a(x); CREATE TABLE b(y); CREATE INDEX a_x ON a(x); INSERT INTO a VALUES (1); INSERT INTO b VALUES (2);");
        Assert.Equal("PRAGMA defer_foreign_keys=TRUE;\nINSERT INTO \"a\" (\"x\") VALUES(1);\nINSERT INTO \"b\" (\"y\") VALUES(2);\n",
            Dump(new DumpOptions { NoSchema = true }));
        Assert.Equal("PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE a(x);\nCREATE TABLE b(y);\nCREATE INDEX a_x ON a(x);\n",
            Dump(new DumpOptions { NoData = true }));
        // D1 filters the trailing indexes by their own name, so a table filter drops them.
        Assert.Equal("PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE b(y);\nINSERT INTO \"b\" (\"y\") VALUES(2);\n",
            Dump(new DumpOptions { Tables = ["b"] }));
    }

    [Fact]
    public void Dump_keeps_text_that_holds_a_literal_backslash_n_and_a_line_break()
    {
        _db.Run("CREATE TABLE t(s); INSERT INTO t VALUES ('a\\n' || char(10) || 'b' || char(13));");
        var dump = Dump();
        Assert.Contains("""VALUES('a\n'||char(10)||'b'||char(13)||'');""", dump);
        using var copy = new TempDatabase();
        Assert.True(copy.Database.Import(new MemoryStream(Encoding.UTF8.GetBytes(dump)), TestContext.Current.CancellationToken).Success);
        Assert.Equal("""[{"same":1}]""", copy.ResultsJson("SELECT s = 'a\\n' || char(10) || 'b' || char(13) AS same FROM t"));
    }

    [Fact]
    public void Dump_of_fts5_and_rtree_tables_imports_back_with_working_indexes()
    {
        _db.Run("""
            CREATE VIRTUAL TABLE docs USING fts5(title, body);
            INSERT INTO docs(rowid, title, body) VALUES (7, 'hello', 'the quick brown fox'), (9, 'bye', 'lazy dog');
            CREATE TABLE posts(id INTEGER PRIMARY KEY, text TEXT);
            CREATE VIRTUAL TABLE posts_fts USING fts5(text, content='posts', content_rowid='id');
            INSERT INTO posts VALUES (1, 'alpha beta'), (2, 'gamma delta');
            INSERT INTO posts_fts(posts_fts) VALUES ('rebuild');
            CREATE VIRTUAL TABLE boxes USING rtree(id, minx, maxx);
            INSERT INTO boxes VALUES (1, 0.5, 2.5);
            """);
        var dump = Dump();
        Assert.DoesNotContain("docs_data", dump);
        Assert.Contains("""INSERT INTO "docs" (rowid,"title","body") VALUES(7,'hello','the quick brown fox');""", dump);
        Assert.Contains("""INSERT INTO "posts_fts"("posts_fts") VALUES('rebuild');""", dump);

        using var copy = new TempDatabase();
        var imported = copy.Database.Import(new MemoryStream(Encoding.UTF8.GetBytes(dump)), TestContext.Current.CancellationToken);
        Assert.True(imported.Success, imported.Error?.Message);
        Assert.Equal("""[{"rowid":7}]""", copy.ResultsJson("SELECT rowid FROM docs WHERE docs MATCH 'quick'"));
        Assert.Equal("""[{"id":2}]""", copy.ResultsJson("SELECT rowid AS id FROM posts_fts WHERE posts_fts MATCH 'gamma'"));
        Assert.Equal("""[{"id":1}]""", copy.ResultsJson("SELECT id FROM boxes WHERE minx <= 1 AND maxx >= 1"));
        Assert.Equal(dump, Dump(database: copy.Database));
    }

    [Fact]
    public void Dump_reads_one_snapshot_while_writes_carry_on()
    {
        _db.Run("CREATE TABLE t(x); INSERT INTO t VALUES (1);");
        var output = new WriteDuringDump(() => _db.Run("INSERT INTO t VALUES (2)"));
        var result = _db.Database.Dump(output, new DumpOptions(), TestContext.Current.CancellationToken);
        var dump = Encoding.UTF8.GetString(output.ToArray());
        Assert.True(output.Wrote);
        Assert.Contains("VALUES(1);", dump);
        Assert.DoesNotContain("VALUES(2);", dump);
        Assert.Equal("""[{"n":2}]""", _db.ResultsJson("SELECT count(*) AS n FROM t"));
        Assert.True(result.Bookmark.Sequence < _db.Database.CurrentBookmark.Sequence);
    }

    /// <summary>A stream that runs a write through the database the first time the dump flushes to it.</summary>
    sealed class WriteDuringDump(Action write) : MemoryStream
    {
        public bool Wrote { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (!Wrote) { Wrote = true; write(); }
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!Wrote) { Wrote = true; write(); }
            base.Write(buffer);
        }
    }

    public void Dispose() => _db.Dispose();
}
