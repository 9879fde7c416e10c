using System.Text.Json;
using System.Text.RegularExpressions;

namespace Atoll.Client.Tests;

/// <summary>
/// The SDK's behaviour, written once and run against both transports (<see cref="EmbeddedD1DatabaseTests"/>,
/// <see cref="RemoteD1DatabaseTests"/>): the same calls must give the same results, errors and messages.
/// </summary>
public abstract partial class D1DatabaseContract : IDisposable
{
    const string UsersSchema = """
        CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT UNIQUE, is_admin BOOLEAN DEFAULT FALSE,
          score REAL, avatar BLOB, created_at DATETIME DEFAULT CURRENT_TIMESTAMP);
        INSERT INTO users (name, email, is_admin, score, avatar) VALUES ('Ada', 'ada@example.com', TRUE, 9.5, x'00ff10');
        INSERT INTO users (name, email) VALUES ('Bob', NULL);
        """;

    readonly List<IDisposable> _owned = [];

    /// <summary>The admin of the transport under test, from <see cref="D1Client.OpenAdmin"/>.</summary>
    protected abstract IAtollAdmin Admin { get; }

    /// <summary>Options for <see cref="Admin"/>, for tenant tests.</summary>
    protected abstract AtollAdminOptions AdminOptions { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static string NewName() => "t-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A new, empty database (its own, so tests never share state), optionally set up with <paramref name="setup"/>.</summary>
    protected async Task<ID1Database> NewDatabaseAsync(string? setup = null)
    {
        var name = NewName();
        await Admin.CreateDatabaseAsync(name, Ct);
        var database = Admin.Open(name);
        _owned.Add(database);
        if (setup is not null) await database.Prepare(setup).RunAsync(Ct);
        return database;
    }

    [Fact]
    public async Task AllAsync_maps_rows_to_records_through_their_constructor()
    {
        var db = await NewDatabaseAsync(UsersSchema);
        var result = await db.Prepare("SELECT * FROM users ORDER BY id").AllAsync<User>(Ct);
        Assert.True(result.Success);
        Assert.Equal(2, result.Results.Count);
        var ada = result.Results[0];
        Assert.Equal((1L, "Ada", "ada@example.com", true, 9.5), (ada.Id, ada.Name, ada.Email, ada.IsAdmin, ada.Score));
        Assert.Equal(new byte[] { 0x00, 0xff, 0x10 }, ada.Avatar);
        Assert.Equal(DateTimeKind.Utc, ada.CreatedAt.Kind);
        Assert.InRange(ada.CreatedAt, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(5));
        Assert.Equal(("Bob", (string?)null, false, (double?)null, (byte[]?)null),
            (result.Results[1].Name, result.Results[1].Email, result.Results[1].IsAdmin, result.Results[1].Score, result.Results[1].Avatar));
        Assert.Equal(["id", "name", "email", "is_admin", "score", "avatar", "created_at"], result.Columns);
        Assert.Equal(2, result.Meta.RowsRead);
        Assert.False(result.Meta.ChangedDb);
    }

    [Fact]
    public async Task AllAsync_maps_snake_case_columns_to_class_properties_and_ignores_extra_columns()
    {
        var db = await NewDatabaseAsync(UsersSchema);
        var rows = (await db.Prepare("SELECT id, name, email, is_admin, score FROM users ORDER BY id").AllAsync<UserRow>(Ct)).Results;
        Assert.Equal([(1L, "Ada", (string?)"ada@example.com", true), (2L, "Bob", null, false)],
            rows.Select(r => (r.Id, r.Name, r.Email, r.IsAdmin)));
        Assert.All(rows, r => Assert.Null(r.Unused));
    }

    [Fact]
    public async Task AllAsync_untyped_gives_json_objects_where_the_last_duplicate_column_wins()
    {
        var db = await NewDatabaseAsync();
        var row = Assert.Single((await db.Prepare("SELECT 1 AS a, 2 AS a, 'x' AS b").AllAsync(Ct)).Results);
        Assert.Equal("""{"a":2,"b":"x"}""", row.GetRawText());
    }

    [Fact]
    public async Task AllAsync_maps_rows_to_dictionaries_and_scalars()
    {
        var db = await NewDatabaseAsync(UsersSchema);
        var dictionary = (await db.Prepare("SELECT id, name, score, avatar, email FROM users WHERE id = 1").AllAsync<Dictionary<string, object?>>(Ct)).Results[0];
        Assert.Equal(1L, dictionary["id"]);
        Assert.Equal("Ada", dictionary["name"]);
        Assert.Equal(9.5, dictionary["score"]);
        Assert.Equal(new byte[] { 0, 255, 16 }, dictionary["avatar"]);
        var readOnly = (await db.Prepare("SELECT email FROM users WHERE id = 2").AllAsync<IReadOnlyDictionary<string, object?>>(Ct)).Results[0];
        Assert.Null(readOnly["email"]);
        Assert.Equal(["Ada", "Bob"], (await db.Prepare("SELECT name FROM users ORDER BY id").AllAsync<string>(Ct)).Results);
        Assert.Equal([1L, 2L], (await db.Prepare("SELECT id FROM users ORDER BY id").AllAsync<long>(Ct)).Results);
    }

    [Fact]
    public async Task Integers_beyond_2_to_the_53_stay_exact_both_ways()
    {
        var db = await NewDatabaseAsync();
        const long big = 9007199254740993;
        var statement = db.Prepare("SELECT ? AS n, typeof(?) AS t").Bind(big, big);
        Assert.Equal(big, await statement.FirstAsync<long>("n", Ct));
        Assert.Equal("integer", await statement.FirstAsync<string>("t", Ct));
        var row = (await statement.FirstAsync(Ct))!.Value;
        Assert.Equal(big, row.GetProperty("n").GetInt64());
        Assert.Equal(big, (await statement.RawAsync(cancellationToken: Ct))[0][0]);
        Assert.Equal(long.MinValue, await db.Prepare("SELECT ? AS n").Bind(long.MinValue).FirstAsync<long>("n", Ct));
    }

    [Fact]
    public async Task Bind_gives_each_type_its_D1_storage_class()
    {
        var db = await NewDatabaseAsync();
        var row = await db.Prepare("SELECT typeof(?) a, typeof(?) b, typeof(?) c, typeof(?) d, typeof(?) e, typeof(?) f, typeof(?) g, typeof(?) h, ? AS t, ? AS color")
            .Bind(1, 1.0, "1", new byte[] { 1 }, null, true, double.NaN, Color.Green, true, Color.Green)
            .FirstAsync<Dictionary<string, object?>>(Ct);
        Assert.Equal(["integer", "real", "text", "blob", "null", "integer", "null", "integer"],
            new[] { "a", "b", "c", "d", "e", "f", "g", "h" }.Select(k => row!.GetValueOrDefault(k)));
        Assert.Equal(1L, row!["t"]);
        Assert.Equal(2L, row["color"]);
        Assert.Equal(Color.Green, await db.Prepare("SELECT 2 AS c").FirstAsync<Color>("c", Ct));
        Assert.Equal(1.0, await db.Prepare("SELECT ? AS r").Bind(1.0).FirstAsync<double>("r", Ct));
        Assert.Equal("héllo 🙈", await db.Prepare("SELECT ? AS s").Bind("héllo 🙈").FirstAsync<string>("s", Ct));
    }

    [Fact]
    public async Task Blobs_round_trip_byte_for_byte()
    {
        var db = await NewDatabaseAsync("CREATE TABLE files (data BLOB)");
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        await db.Prepare("INSERT INTO files VALUES (?), (?)").Bind(bytes, new ReadOnlyMemory<byte>([])).RunAsync(Ct);
        var blobs = (await db.Prepare("SELECT data FROM files ORDER BY rowid").AllAsync<byte[]>(Ct)).Results;
        Assert.Equal(bytes, blobs[0]);
        Assert.Empty(blobs[1]!);
        Assert.Equal(bytes, Assert.IsType<byte[]>((await db.Prepare("SELECT data FROM files").RawAsync(cancellationToken: Ct))[0][0]));
    }

    [Theory]
    [InlineData("date")]
    [InlineData("decimal")]
    [InlineData("guid")]
    [InlineData("object")]
    [InlineData("ulong")]
    public async Task Bind_rejects_types_D1_cannot_store_before_any_request(string kind)
    {
        var db = await NewDatabaseAsync();
        object value = kind switch
        {
            "date" => new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            "decimal" => 1.5m,
            "guid" => Guid.Empty,
            "ulong" => ulong.MaxValue,
            _ => new { a = 1 },
        };
        var ex = Assert.Throws<D1Exception>(() => db.Prepare("SELECT ?").Bind(value));
        Assert.Equal(D1ErrorCodes.TypeError, ex.Code);
        Assert.Matches(@"^D1_TYPE_ERROR: Type '\w+.*' not supported for value '.+'$", ex.Message);
        Assert.Null(ex.ApiCode); // nothing reached a database
    }

    [Fact]
    public async Task Bind_returns_a_new_statement_and_replaces_earlier_values()
    {
        var db = await NewDatabaseAsync(UsersSchema);
        var byId = db.Prepare("SELECT name FROM users WHERE id = ?");
        var one = byId.Bind(1);
        var two = byId.Bind(2);
        Assert.Equal("Ada", await one.FirstAsync<string>("name", Ct));
        Assert.Equal("Bob", await two.FirstAsync<string>("name", Ct));
        Assert.Equal("Bob", await one.Bind(2).FirstAsync<string>("name", Ct));
        var ex = await Assert.ThrowsAsync<D1Exception>(() => byId.AllAsync(Ct)); // the unbound original still has no values
        Assert.Equal("D1_ERROR: Wrong number of parameter bindings for SQL query.", ex.Message);
    }

    [Fact]
    public async Task FirstAsync_returns_the_first_row_or_default()
    {
        var db = await NewDatabaseAsync(UsersSchema);
        Assert.Equal("Ada", (await db.Prepare("SELECT * FROM users ORDER BY id").FirstAsync<User>(Ct))!.Name);
        Assert.Null(await db.Prepare("SELECT * FROM users WHERE id = 99").FirstAsync<User>(Ct));
        Assert.Null(await db.Prepare("SELECT * FROM users WHERE id = 99").FirstAsync(Ct));
        Assert.Null(await db.Prepare("SELECT id FROM users WHERE id = 99").FirstAsync<long?>("id", Ct));
        Assert.Null(await db.Prepare("SELECT email FROM users WHERE id = 2").FirstAsync<string>("email", Ct));
        Assert.Equal(1, await db.Prepare("SELECT 1").FirstAsync<int>("1", Ct));
    }

    [Fact]
    public async Task FirstAsync_with_a_missing_column_throws_D1_COLUMN_NOTFOUND_only_when_there_is_a_row()
    {
        var db = await NewDatabaseAsync(UsersSchema);
        var ex = await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("SELECT name FROM users").FirstAsync<string>("nope", Ct));
        Assert.Equal((D1ErrorCodes.ColumnNotFound, "D1_COLUMN_NOTFOUND: Column not found (nope)"), (ex.Code, ex.Message));
        Assert.Null(await db.Prepare("SELECT name FROM users WHERE id = 99").FirstAsync<string>("nope", Ct));
    }

    [Fact]
    public async Task RawAsync_keeps_duplicate_columns_and_gives_the_header_even_without_rows()
    {
        var db = await NewDatabaseAsync();
        var raw = await db.Prepare("SELECT 1 AS a, 'x' AS a, NULL AS c").RawAsync(cancellationToken: Ct);
        Assert.Equal([[1L, "x", null]], raw);
        Assert.Equal([["a", "a", "c"], [1L, "x", null]], await db.Prepare("SELECT 1 AS a, 'x' AS a, NULL AS c").RawAsync(columnNames: true, Ct));
        Assert.Equal([["a"]], await db.Prepare("SELECT 1 AS a WHERE 0").RawAsync(columnNames: true, Ct));
        Assert.Empty(await db.Prepare("SELECT 1 AS a WHERE 0").RawAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task RunAsync_reports_changes_and_last_row_id_and_returns_RETURNING_rows()
    {
        var db = await NewDatabaseAsync(UsersSchema);
        var insert = await db.Prepare("INSERT INTO users (name) VALUES (?)").Bind("Cy").RunAsync(Ct);
        Assert.Equal((1L, 3L, true), (insert.Meta.Changes, insert.Meta.LastRowId, insert.Meta.ChangedDb));
        Assert.Equal(1, insert.Meta.RowsWritten);
        Assert.Empty(insert.Results);
        var returning = await db.Prepare("INSERT INTO users (name) VALUES ('Di'), ('Ed') RETURNING id, name").RunAsync(Ct);
        Assert.Equal(["""{"id":4,"name":"Di"}""", """{"id":5,"name":"Ed"}"""], returning.Results.Select(r => r.GetRawText()));
        Assert.Equal([4L, 5L], returning.As<Named>().Results.Select(n => n.Id));
        var update = await db.Prepare("UPDATE users SET is_admin = ? WHERE id > ?").Bind(true, 2).RunAsync(Ct);
        Assert.Equal(3, update.Meta.Changes);
        Assert.True(update.Meta.SizeAfter > 0);
        Assert.Equal("atoll", update.Meta.ServedBy);
    }

    [Fact]
    public async Task Prepare_with_several_statements_returns_the_last_ones_result_with_the_whole_texts_changes()
    {
        var db = await NewDatabaseAsync("CREATE TABLE t (x INTEGER)");
        var insert = await db.Prepare("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); -- trailing comment").RunAsync(Ct);
        Assert.Equal((2L, 2L, true), (insert.Meta.Changes, insert.Meta.LastRowId, insert.Meta.ChangedDb));
        var select = await db.Prepare("SELECT 'ignored' AS s; SELECT x FROM t WHERE x > ? ORDER BY x").Bind(0).AllAsync<long>(Ct);
        Assert.Equal([1L, 2L], select.Results);
        var text = await db.Prepare("SELECT ';' AS a; SELECT 'b;c' AS b").FirstAsync<string>("b", Ct);
        Assert.Equal("b;c", text);
    }

    [Fact]
    public async Task BatchAsync_returns_one_result_per_statement_in_order()
    {
        var db = await NewDatabaseAsync(UsersSchema);
        var byId = db.Prepare("SELECT name FROM users WHERE id = ?");
        var results = await db.BatchAsync([
            db.Prepare("INSERT INTO users (name) VALUES (?)").Bind("Cy"),
            byId.Bind(3), byId.Bind(1),
            db.Prepare("SELECT count(*) AS n FROM users"),
        ], Ct);
        Assert.Equal(4, results.Count);
        Assert.Equal((1L, 3L), (results[0].Meta.Changes, results[0].Meta.LastRowId));
        Assert.Equal("""{"name":"Cy"}""", Assert.Single(results[1].Results).GetRawText());
        Assert.Equal("Ada", results[2].Results[0].GetProperty("name").GetString());
        Assert.Equal(3L, results[3].As<long>().Results[0]);
    }

    [Fact]
    public async Task BatchAsync_is_atomic_a_failing_statement_rolls_back_the_ones_before_it()
    {
        var db = await NewDatabaseAsync(UsersSchema);
        var ex = await Assert.ThrowsAsync<D1Exception>(() => db.BatchAsync([
            db.Prepare("INSERT INTO users (name) VALUES ('Cy')"),
            db.Prepare("INSERT INTO nope VALUES (1)"),
            db.Prepare("INSERT INTO users (name) VALUES ('Di')"),
        ], Ct));
        Assert.Equal(("D1_ERROR: no such table: nope: SQLITE_ERROR", 7500), (ex.Message, ex.ApiCode));
        Assert.Equal(2, await db.Prepare("SELECT count(*) AS n FROM users").FirstAsync<int>("n", Ct));
    }

    [Fact]
    public async Task BatchAsync_groups_multi_statement_texts_like_prepare()
    {
        var db = await NewDatabaseAsync();
        var results = await db.BatchAsync([
            db.Prepare("CREATE TABLE a (x); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2)"),
            db.Prepare("SELECT sum(x) AS s FROM a"),
        ], Ct);
        Assert.Equal(2, results.Count);
        Assert.Equal(2, results[0].Meta.Changes);
        Assert.Equal(3L, results[1].As<long>().Results[0]);
    }

    [Fact]
    public async Task Errors_carry_D1s_message_and_code()
    {
        var db = await NewDatabaseAsync(UsersSchema);
        var syntax = await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("SELEC 1").AllAsync(Ct));
        Assert.Equal((D1ErrorCodes.Error, "D1_ERROR: near \"SELEC\": syntax error at offset 0: SQLITE_ERROR", 7500),
            (syntax.Code, syntax.Message, syntax.ApiCode));
        Assert.Equal("near \"SELEC\": syntax error at offset 0: SQLITE_ERROR", syntax.Detail);
        var unique = await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("INSERT INTO users (name, email) VALUES ('X', 'ada@example.com')").RunAsync(Ct));
        Assert.Equal("D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)", unique.Message);
        Assert.False(unique.IsTransient);
    }

    [Fact]
    public async Task ExecAsync_runs_each_line_as_a_query_and_counts_them()
    {
        var db = await NewDatabaseAsync();
        var result = await db.ExecAsync("""
            CREATE TABLE a (x INTEGER);
            INSERT INTO a VALUES (1);

            -- a comment line
            INSERT INTO a VALUES (2); INSERT INTO a VALUES (3)
            """, Ct);
        Assert.Equal(3, result.Count);
        Assert.True(result.Duration >= 0);
        Assert.Equal(6, await db.Prepare("SELECT sum(x) AS s FROM a").FirstAsync<int>("s", Ct));
    }

    [Fact]
    public async Task ExecAsync_failure_is_a_D1_EXEC_ERROR_and_nothing_is_kept()
    {
        var db = await NewDatabaseAsync("CREATE TABLE a (x INTEGER)");
        var ex = await Assert.ThrowsAsync<D1Exception>(() => db.ExecAsync("INSERT INTO a VALUES (1)\nSELEC 2", Ct));
        Assert.Equal(D1ErrorCodes.ExecError, ex.Code);
        Assert.Equal("D1_EXEC_ERROR: Error in line 1: INSERT INTO a VALUES (1): near \"SELEC\": syntax error at offset 0: SQLITE_ERROR", ex.Message);
        Assert.Equal(0, await db.Prepare("SELECT count(*) AS n FROM a").FirstAsync<int>("n", Ct));
    }

    [Fact]
    public async Task Sessions_track_the_newest_bookmark()
    {
        var db = await NewDatabaseAsync("CREATE TABLE t (x)");
        var session = db.WithSession();
        Assert.Null(session.GetBookmark());
        await session.Prepare("INSERT INTO t VALUES (1)").RunAsync(Ct);
        var first = session.GetBookmark();
        Assert.Matches(BookmarkPattern(), first);
        await session.BatchAsync([session.Prepare("INSERT INTO t VALUES (2)")], Ct);
        var second = session.GetBookmark()!;
        Assert.True(string.CompareOrdinal(second, first) > 0, $"{second} should follow {first}");
        await session.Prepare("SELECT * FROM t").AllAsync(Ct);
        Assert.Equal(second, session.GetBookmark());

        var resumed = db.WithSession(second);
        Assert.Equal(second, resumed.GetBookmark());
        Assert.Equal(2, (await resumed.Prepare("SELECT x FROM t").AllAsync<long>(Ct)).Results.Count);
        Assert.Equal(second, resumed.GetBookmark());
        Assert.Null(db.WithSession("first-primary").GetBookmark());
        Assert.Null(db.WithSession("  ").GetBookmark());
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$")]
    private static partial Regex BookmarkPattern();

    [Fact]
    public async Task Mapping_a_value_that_does_not_fit_names_the_column_and_the_member()
    {
        var db = await NewDatabaseAsync();
        var ex = await Assert.ThrowsAsync<InvalidCastException>(() => db.Prepare("SELECT 'abc' AS id, 'n' AS name").AllAsync<UserRow>(Ct));
        Assert.Equal("Cannot map column 'id' (the text \"abc\") to UserRow.Id (Int64).", ex.Message);
        var nulls = await Assert.ThrowsAsync<InvalidCastException>(() => db.Prepare("SELECT NULL AS id, 'n' AS name").FirstAsync<Named>(Ct));
        Assert.Equal("Cannot map column 'id' (NULL) to Named(Id: Int64).", nulls.Message);
        var missing = await Assert.ThrowsAsync<InvalidCastException>(() => db.Prepare("SELECT 1 AS id").AllAsync<Named>(Ct));
        Assert.Contains("constructor parameter 'Name' matches no column (columns: id)", missing.Message);
        Assert.Equal("none", (await db.Prepare("SELECT 7 AS id").FirstAsync<WithDefault>(Ct))!.Label);
        var overflow = await Assert.ThrowsAsync<InvalidCastException>(() => db.Prepare("SELECT 3000000000 AS n").FirstAsync<int>("n", Ct));
        Assert.Equal("Cannot map column 'n' (the number 3000000000) to Int32.", overflow.Message);
    }

    [Fact]
    public async Task Mapping_unknown_text_to_an_enum_names_the_column_and_the_member()
    {
        var db = await NewDatabaseAsync();
        var row = await Assert.ThrowsAsync<InvalidCastException>(() => db.Prepare("SELECT 1 AS id, 'Purple' AS color").FirstAsync<Painted>(Ct));
        Assert.Equal("Cannot map column 'color' (the text \"Purple\") to Painted(Color: Color).", row.Message);
        var scalar = await Assert.ThrowsAsync<InvalidCastException>(() => db.Prepare("SELECT 'Purple' AS c").FirstAsync<Color>("c", Ct));
        Assert.Contains("'c'", scalar.Message);
        Assert.Equal(Color.Green, await db.Prepare("SELECT 'green' AS c").FirstAsync<Color>("c", Ct));
    }

    [Fact]
    public async Task A_whole_real_comes_back_as_a_double_and_an_integer_as_a_long()
    {
        var db = await NewDatabaseAsync("CREATE TABLE m(r REAL, i INTEGER); INSERT INTO m VALUES (2.0, 2), (-0.0, 0), (1e21, 9007199254740993)");
        var raw = await db.Prepare("SELECT r, i FROM m ORDER BY rowid").RawAsync(cancellationToken: Ct);
        Assert.Equal([[2.0, 2L], [-0.0, 0L], [1e21, 9007199254740993L]], raw);
        Assert.IsType<double>(raw[0][0]);
        Assert.IsType<long>(raw[0][1]);
        var row = (await db.Prepare("SELECT 2.0 AS r, 2 AS i").AllAsync<Dictionary<string, object?>>(Ct)).Results[0];
        Assert.Equal((typeof(double), typeof(long)), (row["r"]!.GetType(), row["i"]!.GetType()));
        Assert.IsType<double>(await db.Prepare("SELECT 2.0 AS r").FirstAsync<object>("r", Ct));
        // A whole REAL still maps to an integer member, as it did when it came back as 2.
        Assert.Equal(2, await db.Prepare("SELECT 2.0 AS n").FirstAsync<int>("n", Ct));
        var fraction = await Assert.ThrowsAsync<InvalidCastException>(() => db.Prepare("SELECT 2.5 AS n").FirstAsync<int>("n", Ct));
        Assert.Contains("'n'", fraction.Message);
    }

    [Fact]
    public async Task A_cancelled_token_stops_the_call()
    {
        var db = await NewDatabaseAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => db.Prepare("SELECT 1").AllAsync(cancelled.Token));
    }

    public void Dispose()
    {
        foreach (var owned in _owned) owned.Dispose();
        (Admin as IDisposable)?.Dispose();
        DisposeTransport();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the concrete suite set up.</summary>
    protected virtual void DisposeTransport()
    {
    }
}
