using System.Net.Http.Headers;
using System.Text;

namespace Atoll.Server.Tests.Api;

/// <summary>Every malformed or forbidden request gets a clear v4 error with the right status, writes nothing, and the server stays up.</summary>
[Collection(ServerCollection.Name)]
public sealed class BadInputTests(ServerFixture fixture)
{
    readonly AtollServer _server = fixture.Server;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"sql":""", 7400, "Malformed JSON")]
    [InlineData("not json", 7400, "Malformed JSON")]
    [InlineData("", 7400, "empty")]
    [InlineData("""{"params":[1]}""", 7400, "Missing required field \"sql\"")]
    [InlineData("""{"sql":42}""", 7400, "must be a string")]
    [InlineData("""{"sql":"SELECT ?","params":{"a":1}}""", 7400, "must be an array")]
    [InlineData("""{"sql":"SELECT ?","params":[{"a":1}]}""", 7400, "D1_TYPE_ERROR")]
    [InlineData("""{"sql":"SELECT ?","params":[[1,300]]}""", 7400, "D1_TYPE_ERROR")]
    [InlineData("""{"batch":{"sql":"SELECT 1"}}""", 7400, "must be an array")]
    [InlineData("""{"batch":[{"params":[]}]}""", 7400, "missing required field \"sql\"")]
    [InlineData("""{"sql":"SELECT 1","batch":[]}""", 7400, "not both")]
    [InlineData("""{"sql":"SELECT ?","params":[1,2]}""", 7500, "Wrong number of parameter bindings for SQL query.")]
    [InlineData("""{"sql":"ATTACH DATABASE 'x' AS x"}""", 7500, "not authorized: SQLITE_AUTH")]
    [InlineData("""{"sql":"PRAGMA journal_mode=DELETE"}""", 7500, "not authorized: SQLITE_AUTH")]
    [InlineData("""{"sql":"BEGIN TRANSACTION"}""", 7500, "batch()")]
    [InlineData("""{"sql":"CREATE TEMP TABLE x(a)"}""", 7500, "SQLITE_AUTH")]
    [InlineData("""{"sql":"CREATE TABLE _cf_x(a)"}""", 7500, "SQLITE_AUTH")]
    [InlineData("""{"sql":"SELEC 1"}""", 7500, "near \"SELEC\": syntax error at offset 0: SQLITE_ERROR")]
    [InlineData("""{"sql":""}""", 7500, "did not contain a statement")]
    [InlineData("""{"sql":"SELECT 1\u0000"}""", 7500, "SQL code did not contain a statement.")]
    [InlineData("""{"sql":"CREATE TABLE temp.x(y)"}""", 7500, "not authorized: SQLITE_AUTH")]
    [InlineData("""{"sql":"ALTER TABLE t RENAME TO _cf_KV"}""", 7500, "not authorized: SQLITE_AUTH")]
    public async Task Query_answers_bad_bodies_with_400_in_the_envelope(string body, int code, string message)
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(a)" });
        var reply = await Reply.ReadAsync(await _server.Client.PostAsync($"{_server.Databases()}/{uuid}/query", AtollServer.Raw(body), Ct));
        Assert.Equal((400, false, code, "application/json"), (reply.Status, reply.Success, reply.ErrorCode, reply.ContentType));
        Assert.Contains(message, reply.ErrorMessage);
        Assert.Equal(JsonValueKindNull, reply.Result.ValueKind);
    }

    const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task Query_rejects_too_many_parameters_and_too_long_sql()
    {
        var uuid = await _server.CreateDatabaseAsync();
        var many = await _server.QueryAsync(uuid, new { sql = "SELECT " + string.Join(",", Enumerable.Repeat("?", 101)), @params = Enumerable.Repeat(1, 101) });
        Assert.Equal((400, 7500), (many.Status, many.ErrorCode));
        Assert.Contains("too many SQL variables", many.ErrorMessage);
        var longSql = await _server.QueryAsync(uuid, new { sql = "SELECT '" + new string('x', 100_001) + "'" });
        Assert.Equal((400, 7500), (longSql.Status, longSql.ErrorCode));
        Assert.Contains("SQLITE_TOOBIG", longSql.ErrorMessage);
    }

    [Fact]
    public async Task Requests_without_valid_credentials_get_401_9109_and_write_nothing()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(a)" });
        using var anonymous = _server.NewClient(null);
        using var wrong = _server.NewClient("not-a-real-token-at-all");
        using var basic = _server.NewClient(null);
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        foreach (var client in new[] { anonymous, wrong, basic })
        {
            var reply = await Reply.ReadAsync(await client.PostAsync($"{_server.Databases()}/{uuid}/query",
                AtollServer.Json(new { sql = "INSERT INTO t VALUES (1)" }), Ct));
            // 9109, not 10000: on 10000 wrangler runs whoami with the same bad token, which fails again and crashes it.
            Assert.Equal((401, false, 9109), (reply.Status, reply.Success, reply.ErrorCode));
            Assert.Equal(401, (await Reply.ReadAsync(await client.GetAsync(_server.Databases(), Ct))).Status);
        }
        Assert.Equal(0, await new DatabasesApiTests(fixture).CountAsync(uuid, "t"));
    }

    [Fact]
    public async Task Another_accounts_databases_are_invisible()
    {
        var tests = new DatabasesApiTests(fixture);
        var other = await tests.NewAccountAsync();
        using var otherClient = _server.NewClient(other.Token);
        var mine = await _server.CreateDatabaseAsync("secret-" + Guid.NewGuid().ToString("N")[..8]);
        await _server.QueryAsync(mine, new { sql = "CREATE TABLE t(a); INSERT INTO t VALUES ('mine')" });

        // The other account's token on my account: 403 7403, nothing listed.
        var list = await Reply.ReadAsync(await otherClient.GetAsync(_server.Databases(), Ct));
        Assert.Equal((403, 7403), (list.Status, list.ErrorCode));
        var query = await _server.QueryAsync(mine, new { sql = "SELECT * FROM t" }, otherClient);
        Assert.Equal(403, query.Status);
        // My database's uuid under the other account's path: 404, as if it did not exist.
        var viaOwnAccount = await Reply.ReadAsync(await otherClient.PostAsync($"{_server.Databases(other.Id)}/{mine}/query",
            AtollServer.Json(new { sql = "SELECT * FROM t" }), Ct));
        Assert.Equal((404, 7404), (viaOwnAccount.Status, viaOwnAccount.ErrorCode));
        var accounts = await Reply.ReadAsync(await otherClient.GetAsync("/client/v4/accounts", Ct));
        Assert.Equal(other.Id, Assert.Single(accounts.Result.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Read_tokens_read_but_cannot_write_or_manage()
    {
        var tests = new DatabasesApiTests(fixture);
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(a); INSERT INTO t VALUES (1)" });
        var token = await Reply.ReadAsync(await _server.Client.PostAsync($"/client/v4/accounts/{_server.AccountId}/tokens",
            AtollServer.Json(new { name = "reader", permission = "read" }), Ct));
        using var reader = _server.NewClient(token.Result.GetProperty("value").GetString());

        Assert.True((await _server.QueryAsync(uuid, new { sql = "SELECT * FROM t" }, reader)).Success);
        foreach (var sql in new[] { "INSERT INTO t VALUES (2)", "DELETE FROM t", "CREATE TABLE u(a)", "SELECT 1; DROP TABLE t",
                     "PRAGMA optimize=0x10002", "PRAGMA foreign_keys=OFF" })
        {
            var write = await _server.QueryAsync(uuid, new { sql }, reader);
            Assert.Equal((403, 10000), (write.Status, write.ErrorCode));
        }
        Assert.Equal(1, await tests.CountAsync(uuid, "t"));
        Assert.Equal(403, (await Reply.ReadAsync(await reader.DeleteAsync($"{_server.Databases()}/{uuid}", Ct))).Status);
        Assert.Equal(403, (await Reply.ReadAsync(await reader.PostAsync(_server.Databases(), AtollServer.Json(new { name = "nope" }), Ct))).Status);
    }

    [Fact]
    public async Task Database_scoped_tokens_reach_only_their_databases()
    {
        var allowed = await _server.CreateDatabaseAsync();
        var other = await _server.CreateDatabaseAsync();
        var token = await Reply.ReadAsync(await _server.Client.PostAsync($"/client/v4/accounts/{_server.AccountId}/tokens",
            AtollServer.Json(new { name = "scoped", permission = "edit", databases = new[] { allowed } }), Ct));
        using var scoped = _server.NewClient(token.Result.GetProperty("value").GetString());
        Assert.True((await _server.QueryAsync(allowed, new { sql = "CREATE TABLE t(a)" }, scoped)).Success);
        Assert.Equal(404, (await _server.QueryAsync(other, new { sql = "CREATE TABLE t(a)" }, scoped)).Status);
        var list = await Reply.ReadAsync(await scoped.GetAsync(_server.Databases(), Ct));
        Assert.Equal(allowed, Assert.Single(list.Result.EnumerateArray()).GetProperty("uuid").GetString());
    }

    [Fact]
    public async Task Revoked_tokens_stop_working()
    {
        var created = await Reply.ReadAsync(await _server.Client.PostAsync($"/client/v4/accounts/{_server.AccountId}/tokens",
            AtollServer.Json(new { name = "temp" }), Ct));
        using var client = _server.NewClient(created.Result.GetProperty("value").GetString());
        Assert.Equal(200, (await Reply.ReadAsync(await client.GetAsync(_server.Databases(), Ct))).Status);
        var revoke = await _server.Client.DeleteAsync($"/client/v4/accounts/{_server.AccountId}/tokens/{created.Result.GetProperty("id").GetString()}", Ct);
        Assert.Equal(200, (int)revoke.StatusCode);
        Assert.Equal(401, (await Reply.ReadAsync(await client.GetAsync(_server.Databases(), Ct))).Status);
    }

    [Fact]
    public async Task Unknown_routes_get_a_json_404()
    {
        var reply = await Reply.ReadAsync(await _server.Client.GetAsync("/client/v4/accounts/x/d2/nothing", Ct));
        Assert.Equal((404, false, 7003, "application/json"), (reply.Status, reply.Success, reply.ErrorCode, reply.ContentType));
    }

    [Fact]
    public async Task Oversized_bodies_get_413_and_the_server_stays_up()
    {
        await using var small = await AtollServer.StartAsync(extraArgs: ["--Atoll:MaxRequestBodyBytes=4096"]);
        var uuid = await small.CreateDatabaseAsync();
        var body = $$"""{"sql":"SELECT ?","params":["{{new string('x', 10_000)}}"]}""";
        var reply = await Reply.ReadAsync(await small.Client.PostAsync($"{small.Databases()}/{uuid}/query",
            new StringContent(body, Encoding.UTF8, "application/json"), Ct));
        Assert.Equal((413, false, "application/json"), (reply.Status, reply.Success, reply.ContentType));
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var chunkedReply = await small.Client.PostAsync($"{small.Databases()}/{uuid}/query", chunked, Ct);
        Assert.Equal(413, (int)chunkedReply.StatusCode);
        Assert.True((await small.QueryAsync(uuid, new { sql = "SELECT 1" })).Success);
    }

    [Fact]
    public async Task Token_verify_answers_as_cloudflare_does()
    {
        var reply = await Reply.ReadAsync(await _server.Client.GetAsync("/client/v4/user/tokens/verify", Ct));
        Assert.Equal("active", reply.Result.GetProperty("status").GetString());
        Assert.Equal("This API Token is valid and active", reply.Body.GetProperty("messages")[0].GetProperty("message").GetString());
    }
}
