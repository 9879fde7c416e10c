using System.Net.Http.Json;
using System.Text.Json;

namespace Atoll.Server.Tests.Api;

[Collection(ServerCollection.Name)]
public sealed class DatabasesApiTests(ServerFixture fixture)
{
    readonly AtollServer _server = fixture.Server;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_returns_the_d1_database_object()
    {
        var name = "create-" + Guid.NewGuid().ToString("N")[..8];
        var reply = await Reply.ReadAsync(await _server.Client.PostAsync(_server.Databases(),
            AtollServer.Json(new { name, primary_location_hint = "weur", jurisdiction = "eu" }), Ct));
        Assert.Equal((200, true, "application/json"), (reply.Status, reply.Success, reply.ContentType));
        var db = reply.Result;
        Assert.Equal(name, db.GetProperty("name").GetString());
        Assert.True(Guid.TryParse(db.GetProperty("uuid").GetString(), out _));
        Assert.Equal("production", db.GetProperty("version").GetString());
        Assert.Equal("disabled", db.GetProperty("read_replication").GetProperty("mode").GetString());
        Assert.Equal("eu", db.GetProperty("jurisdiction").GetString());
        Assert.True(DateTimeOffset.TryParse(db.GetProperty("created_at").GetString(), out _));
    }

    [Fact]
    public async Task Create_rejects_a_duplicate_name_with_7502()
    {
        var name = "dup-" + Guid.NewGuid().ToString("N")[..8];
        await _server.CreateDatabaseAsync(name);
        var reply = await Reply.ReadAsync(await _server.Client.PostAsync(_server.Databases(), AtollServer.Json(new { name }), Ct));
        Assert.Equal((400, false, 7502), (reply.Status, reply.Success, reply.ErrorCode));
    }

    [Theory]
    [InlineData("""{"name":"-bad"}""")]
    [InlineData("""{"name":"has space"}""")]
    [InlineData("""{"name":42}""")]
    [InlineData("""{}""")]
    [InlineData("""{"name":"ok","primary_location_hint":"mars"}""")]
    [InlineData("""{"name":"ok","read_replication":{"mode":"sometimes"}}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"name":""")]
    public async Task Create_rejects_bad_bodies_with_400(string body)
    {
        var reply = await Reply.ReadAsync(await _server.Client.PostAsync(_server.Databases(), AtollServer.Raw(body), Ct));
        Assert.Equal((400, false, 7400), (reply.Status, reply.Success, reply.ErrorCode));
    }

    [Fact]
    public async Task Get_finds_a_database_by_uuid_or_name_and_honours_fields()
    {
        var name = "get-" + Guid.NewGuid().ToString("N")[..8];
        var uuid = await _server.CreateDatabaseAsync(name);
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE a(x); CREATE TABLE b(y)" });

        var byUuid = await Reply.ReadAsync(await _server.Client.GetAsync($"{_server.Databases()}/{uuid}", Ct));
        Assert.Equal(2, byUuid.Result.GetProperty("num_tables").GetInt32());
        Assert.True(byUuid.Result.GetProperty("file_size").GetInt64() > 0);

        var byName = await Reply.ReadAsync(await _server.Client.GetAsync($"{_server.Databases()}/{name}?fields=uuid,name", Ct));
        Assert.Equal($$"""{"uuid":"{{uuid}}","name":"{{name}}"}""", byName.Result.GetRawText());

        var repeated = await Reply.ReadAsync(await _server.Client.GetAsync($"{_server.Databases()}/{name}?fields=uuid&fields=num_tables", Ct));
        Assert.Equal($$"""{"uuid":"{{uuid}}","num_tables":2}""", repeated.Result.GetRawText());
    }

    [Fact]
    public async Task Get_answers_404_7404_for_an_unknown_database()
    {
        var uuid = Guid.NewGuid().ToString();
        var reply = await Reply.ReadAsync(await _server.Client.GetAsync($"{_server.Databases()}/{uuid}", Ct));
        Assert.Equal((404, false, 7404), (reply.Status, reply.Success, reply.ErrorCode));
        Assert.Equal($"Not Found: no database '{uuid}' in this account", reply.ErrorMessage);
    }

    [Fact]
    public async Task List_pages_terminate_for_wrangler_and_sdk_loops()
    {
        var account = await NewAccountAsync();
        using var client = _server.NewClient(account.Token);
        for (var i = 0; i < 25; i++) await _server.CreateDatabaseAsync($"page-{i:00}", client, account.Id);
        var sizes = new List<int>();
        for (var page = 1; page <= 5; page++)
        {
            var reply = await Reply.ReadAsync(await client.GetAsync($"{_server.Databases(account.Id)}?per_page=10&page={page}", Ct));
            sizes.Add(reply.Result.GetArrayLength());
            Assert.Equal(25, reply.Body.GetProperty("result_info").GetProperty("total_count").GetInt32());
        }
        Assert.Equal([10, 10, 5, 0, 0], sizes);
        var clamped = await Reply.ReadAsync(await client.GetAsync($"{_server.Databases(account.Id)}?per_page=3", Ct));
        Assert.Equal(10, clamped.Result.GetArrayLength());
        var filtered = await Reply.ReadAsync(await client.GetAsync($"{_server.Databases(account.Id)}?name=page-1", Ct));
        Assert.Equal(10, filtered.Result.GetArrayLength()); // page-10 … page-19
    }

    [Fact]
    public async Task Update_sets_read_replication_with_put_and_patch()
    {
        var uuid = await _server.CreateDatabaseAsync();
        var put = await Reply.ReadAsync(await _server.Client.PutAsync($"{_server.Databases()}/{uuid}",
            AtollServer.Json(new { read_replication = new { mode = "auto" } }), Ct));
        Assert.Equal("auto", put.Result.GetProperty("read_replication").GetProperty("mode").GetString());
        var missing = await Reply.ReadAsync(await _server.Client.PutAsync($"{_server.Databases()}/{uuid}", AtollServer.Json(new { }), Ct));
        Assert.Equal(400, missing.Status);
        var patch = await Reply.ReadAsync(await _server.Client.PatchAsync($"{_server.Databases()}/{uuid}",
            AtollServer.Json(new { read_replication = new { mode = "disabled" } }), Ct));
        Assert.Equal("disabled", patch.Result.GetProperty("read_replication").GetProperty("mode").GetString());
        var get = await Reply.ReadAsync(await _server.Client.GetAsync($"{_server.Databases()}/{uuid}", Ct));
        Assert.Equal("disabled", get.Result.GetProperty("read_replication").GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Delete_removes_the_database_and_its_files()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(x)" });
        var folder = Path.Combine(_server.DataDirectory, "databases", uuid);
        Assert.True(Directory.Exists(folder));

        var deleted = await Reply.ReadAsync(await _server.Client.DeleteAsync($"{_server.Databases()}/{uuid}", Ct));
        Assert.Equal((200, true, JsonValueKind.Null), (deleted.Status, deleted.Success, deleted.Result.ValueKind));
        Assert.False(Directory.Exists(folder));
        Assert.Equal(404, (await Reply.ReadAsync(await _server.Client.GetAsync($"{_server.Databases()}/{uuid}", Ct))).Status);
        Assert.Equal(404, (await _server.QueryAsync(uuid, new { sql = "SELECT 1" })).Status);
        Assert.Equal(404, (await Reply.ReadAsync(await _server.Client.DeleteAsync($"{_server.Databases()}/{uuid}", Ct))).Status);
    }

    [Fact]
    public async Task Query_returns_one_result_per_statement_with_meta()
    {
        var uuid = await _server.CreateDatabaseAsync();
        var reply = await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t(v) VALUES ('a'), ('b'); SELECT * FROM t" });
        Assert.True(reply.Success, reply.Text);
        Assert.Equal(3, reply.Result.GetArrayLength());
        Assert.Equal("""[{"id":1,"v":"a"},{"id":2,"v":"b"}]""", reply.Result[2].GetProperty("results").GetRawText());
        var insert = reply.Result[1].GetProperty("meta");
        Assert.Equal((2, 2, true), (insert.GetProperty("changes").GetInt32(), insert.GetProperty("last_row_id").GetInt32(),
            insert.GetProperty("changed_db").GetBoolean()));
        foreach (var key in new[] { "duration", "size_after", "rows_read", "rows_written", "served_by", "served_by_region", "served_by_primary", "timings" })
            Assert.True(reply.Result[2].GetProperty("meta").TryGetProperty(key, out _), key);
    }

    [Fact]
    public async Task Query_binds_params_and_keeps_64_bit_integers_exact()
    {
        var uuid = await _server.CreateDatabaseAsync();
        var reply = await _server.QueryAsync(uuid, new { sql = "SELECT ? AS big, ? AS t, ? AS r, ? AS n, ? AS b, typeof(?) AS ty",
            @params = new object?[] { 9007199254740993L, "text", 1.5, null, new[] { 1, 2, 255 }, 7 } });
        Assert.Equal("""[{"big":9007199254740993,"t":"text","r":1.5,"n":null,"b":[1,2,255],"ty":"integer"}]""",
            reply.Result[0].GetProperty("results").GetRawText());
    }

    [Fact]
    public async Task Raw_returns_columns_and_rows_and_batch_runs_each_entry()
    {
        var uuid = await _server.CreateDatabaseAsync();
        var reply = await _server.QueryAsync(uuid, new
        {
            batch = new object[]
            {
                new { sql = "CREATE TABLE t(a, b)" },
                new { sql = "INSERT INTO t VALUES (?, ?)", @params = new object[] { 1, "x" } },
                new { sql = "SELECT a, b, a AS a FROM t" },
            },
        }, endpoint: "raw");
        Assert.Equal(3, reply.Result.GetArrayLength());
        Assert.Equal("""{"columns":["a","b","a"],"rows":[[1,"x",1]]}""", reply.Result[2].GetProperty("results").GetRawText());
    }

    [Fact]
    public async Task Query_rolls_back_a_whole_batch_when_one_statement_fails()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(a UNIQUE)" });
        var reply = await _server.QueryAsync(uuid, new { batch = new object[] {
            new { sql = "INSERT INTO t VALUES (1)" }, new { sql = "INSERT INTO t VALUES (1)" } } });
        Assert.Equal((400, 7500), (reply.Status, reply.ErrorCode));
        Assert.Equal("UNIQUE constraint failed: t.a: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)", reply.ErrorMessage);
        Assert.Equal(0, await CountAsync(uuid, "t"));
    }

    [Fact]
    public async Task Query_is_atomic_for_a_migration_and_its_bookkeeping_insert()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE)" });
        var reply = await _server.QueryAsync(uuid, new { sql = """
            CREATE TABLE users(id INTEGER PRIMARY KEY);
            CREATE TRIGGER tr AFTER INSERT ON users BEGIN SELECT 1; END;
            INSERT INTO nowhere VALUES (1);
            INSERT INTO "d1_migrations" (name) values ('0001_init.sql');
            """ });
        Assert.Equal((400, "no such table: nowhere: SQLITE_ERROR"), (reply.Status, reply.ErrorMessage));
        Assert.Equal(0, await CountAsync(uuid, "d1_migrations"));
        var tables = await _server.QueryAsync(uuid, new { sql = "SELECT name FROM sqlite_schema WHERE name IN ('users', 'tr')" });
        Assert.Equal("[]", tables.Result[0].GetProperty("results").GetRawText());
    }

    [Fact]
    public async Task Query_sends_the_commit_bookmark_in_order()
    {
        var uuid = await _server.CreateDatabaseAsync();
        var first = await _server.Client.PostAsync($"{_server.Databases()}/{uuid}/query", AtollServer.Json(new { sql = "CREATE TABLE t(a)" }), Ct);
        var second = await _server.Client.PostAsync($"{_server.Databases()}/{uuid}/query", AtollServer.Json(new { sql = "INSERT INTO t VALUES (1)" }), Ct);
        var read = await _server.Client.PostAsync($"{_server.Databases()}/{uuid}/query", AtollServer.Json(new { sql = "SELECT * FROM t" }), Ct);
        var bookmarks = new[] { first, second, read }.Select(r => r.Headers.GetValues("x-d1-bookmark").Single()).ToArray();
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$", bookmarks[0]);
        Assert.True(string.CompareOrdinal(bookmarks[0], bookmarks[1]) < 0);
        Assert.Equal(bookmarks[1], bookmarks[2]);
    }

    internal async Task<int> CountAsync(string uuid, string table)
    {
        var reply = await _server.QueryAsync(uuid, new { sql = $"SELECT count(*) AS c FROM {table}" });
        return reply.Result[0].GetProperty("results")[0].GetProperty("c").GetInt32();
    }

    internal async Task<(string Id, string Token)> NewAccountAsync()
    {
        var account = await Reply.ReadAsync(await _server.Client.PostAsync("/client/v4/accounts", AtollServer.Json(new { name = "acct" }), Ct));
        var id = account.Result.GetProperty("id").GetString()!;
        var token = await Reply.ReadAsync(await _server.Client.PostAsync($"/client/v4/accounts/{id}/tokens",
            AtollServer.Json(new { name = "owner", permission = "edit" }), Ct));
        return (id, token.Result.GetProperty("value").GetString()!);
    }
}
