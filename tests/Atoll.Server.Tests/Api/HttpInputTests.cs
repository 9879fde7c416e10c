using System.Text.Json;

namespace Atoll.Server.Tests.Api;

/// <summary>
/// Input that is malformed below the JSON level — invalid UTF-8, unpaired surrogates, fields of the wrong type, broken chunked
/// framing — is a 400 with code 7400 in the envelope on every route that reads a body, never a 500.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HttpInputTests(ServerFixture fixture)
{
    readonly AtollServer _server = fixture.Server;
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    string[] Auth => [$"Authorization: Bearer {_server.AdminToken}"];

    string[] Binding(string uuid) => [.. Auth, $"x-atoll-database: {uuid}", $"x-atoll-account: {_server.AccountId}"];

    static byte[] InvalidUtf8Sql => [.. "{\"sql\":\"SELECT "u8, 0xBE, .. " 1\"}"u8];

    [Theory]
    [InlineData("query")]
    [InlineData("raw")]
    public async Task Rest_query_answers_invalid_utf8_in_sql_with_400(string endpoint)
    {
        var uuid = await _server.CreateDatabaseAsync();
        var reply = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Post($"{_server.Databases()}/{uuid}/{endpoint}", InvalidUtf8Sql, Auth), Patience, Ct);
        AssertEnvelope(reply, 400, 7400, "not valid Unicode");
    }

    [Theory]
    [InlineData("/query")]
    [InlineData("/execute")]
    public async Task Binding_answers_invalid_utf8_in_sql_with_400(string path)
    {
        var uuid = await _server.CreateDatabaseAsync();
        var reply = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Post(path, InvalidUtf8Sql, Binding(uuid)), Patience, Ct);
        Assert.Equal(400, reply.Status);
        var body = JsonDocument.Parse(reply.Body).RootElement;
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Contains("not valid Unicode", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("""{"sql":"SELECT ?","params":["\ud800"]}""")]
    [InlineData("""{"sql":"SELECT ?","params":["\udc00x"]}""")]
    [InlineData("""{"batch":[{"sql":"SELECT ?","params":["a\ud800"]}]}""")]
    [InlineData("""{"sql":"SELECT '\ud800'"}""")]
    public async Task Query_answers_an_unpaired_surrogate_with_400(string body)
    {
        var uuid = await _server.CreateDatabaseAsync();
        var reply = await Reply.ReadAsync(await _server.Client.PostAsync($"{_server.Databases()}/{uuid}/query", AtollServer.Raw(body), Ct));
        Assert.Equal((400, false, 7400), (reply.Status, reply.Success, reply.ErrorCode));
        Assert.Contains("not valid Unicode", reply.ErrorMessage);
    }

    [Fact]
    public async Task Query_answers_invalid_utf8_in_an_unescaped_parameter_with_400()
    {
        var uuid = await _server.CreateDatabaseAsync();
        byte[] body = [.. "{\"sql\":\"SELECT ?\",\"params\":[\"a"u8, 0xC3, 0x28, .. "\"]}"u8];
        var reply = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Post($"{_server.Databases()}/{uuid}/query", body, Auth), Patience, Ct);
        AssertEnvelope(reply, 400, 7400, "not valid Unicode");
    }

    /// <summary>Every management body the server reads, with one field of the wrong type or bad text.</summary>
    public static TheoryData<string, string, string, string> WrongBodies => new()
    {
        { "POST", "tokens", """{"name":"x","permission":1}""", "\"permission\" must be a string" },
        { "POST", "tokens", """{"name":"x","databases":"all"}""", "\"databases\" must be an array of strings" },
        { "POST", "tokens", """{"name":"x","databases":[1]}""", "\"databases\" must be an array of strings" },
        { "POST", "tokens", """{"name":"\ud800"}""", "not valid Unicode" },
        { "POST", "d1/database", """{"name":1}""", "\"name\" must be a string" },
        { "POST", "d1/database", """{"name":"ok-name","primary_location_hint":["weur"]}""", "\"primary_location_hint\" must be a string" },
        { "POST", "d1/database", """{"name":"ok-name","read_replication":"auto"}""", "\"read_replication\" must be an object" },
        { "POST", "d1/database", """{"name":"ok-name","read_replication":{"mode":true}}""", "\"read_replication.mode\" must be a string" },
        { "POST", "d1/database", """{"name":"ok\u0000name"}""", "Database name must start with a letter or digit" },
        { "POST", "d1/database", "[1,2]", "must be a JSON object" },
        { "POST", "d1/database", new string('[', 100) + new string(']', 100), "Malformed JSON" },
        { "PUT", "d1/database/{db}", """{"read_replication":{"mode":1}}""", "\"read_replication.mode\" must be a string" },
        { "PATCH", "d1/database/{db}", """{"read_replication":[]}""", "\"read_replication\" must be an object" },
        { "POST", "d1/database/{db}/fork", """{"name":{"a":1}}""", "\"name\" must be a string" },
        { "POST", "d1/database/{db}/fork", """{"name":"f-ok","timestamp":5}""", "\"timestamp\" must be a string" },
        { "POST", "d1/database/{db}/fork", """{"name":"f-ok","bookmark":false}""", "\"bookmark\" must be a string" },
        { "POST", "d1/database/{db}/import", """{"action":1}""", "\"action\" must be a string" },
        { "POST", "d1/database/{db}/import", """{"action":"init","etag":5}""", "\"etag\" must be a string" },
        { "POST", "d1/database/{db}/export", """{"output_format":1}""", "\"output_format\" must be a string" },
        { "POST", "d1/database/{db}/export", """{"output_format":"polling","dump_options":{"no_data":"yes"}}""", "\"dump_options.no_data\" must be a boolean" },
        { "POST", "d1/database/{db}/export", """{"output_format":"polling","dump_options":{"tables":[1]}}""", "\"dump_options.tables\" must be an array of strings" },
        { "POST", "d1/database/{db}/export", """{"output_format":"polling","current_bookmark":[]}""", "\"current_bookmark\" must be a string" },
        { "GET", "d1/database/{db}/time_travel/bookmark?timestamp=yesterday", "", "is not a timestamp" },
        { "POST", "d1/database/{db}/time_travel/restore?timestamp=%00", "", "is not a timestamp" },
        { "POST", "d1/database/{db}/time_travel/restore?bookmark=nope", "", "is not a bookmark" },
        { "GET", "d1/database?page=-1", "", "\"page\" must be a whole number" },
    };

    [Theory]
    [MemberData(nameof(WrongBodies))]
    public async Task Management_routes_answer_wrongly_typed_fields_with_400_naming_the_field(string method, string route, string body, string message)
    {
        var uuid = await _server.CreateDatabaseAsync();
        var path = $"/client/v4/accounts/{_server.AccountId}/{route.Replace("{db}", uuid)}";
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body.Length > 0) request.Content = AtollServer.Raw(body);
        var reply = await Reply.ReadAsync(await _server.Client.SendAsync(request, Ct));
        Assert.Equal((400, false, 7400), (reply.Status, reply.Success, reply.ErrorCode));
        Assert.Contains(message, reply.ErrorMessage);
    }

    [Fact]
    public async Task Account_creation_answers_a_wrongly_typed_name_with_400()
    {
        var reply = await Reply.ReadAsync(await _server.Client.PostAsync("/client/v4/accounts", AtollServer.Raw("""{"name":7}"""), Ct));
        Assert.Equal((400, 7400), (reply.Status, reply.ErrorCode));
        Assert.Contains("\"name\" must be a string", reply.ErrorMessage);
    }

    [Theory]
    [InlineData("""{"query":"{ d1AnalyticsAdaptiveGroups }","variables":{"accountTag":1}}""", "\"variables.accountTag\" must be a string")]
    [InlineData("""{"query":"{ d1AnalyticsAdaptiveGroups }","variables":[]}""", "\"variables\" must be an object")]
    [InlineData("""{"query":5}""", "\"query\" must be a string")]
    public async Task Graphql_answers_wrongly_typed_variables_with_a_400_graphql_error(string body, string message)
    {
        var response = await _server.Client.PostAsync("/client/v4/graphql", AtollServer.Raw(body), Ct);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains(message, json.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("fffffffffff\r\n{}\r\n0\r\n\r\n")]
    [InlineData("zz\r\n{}\r\n0\r\n\r\n")]
    [InlineData("2\r\n{}XX0\r\n\r\n")]
    public async Task A_malformed_chunked_body_is_a_400_envelope_on_rest_and_binding(string chunked)
    {
        var uuid = await _server.CreateDatabaseAsync();
        foreach (var path in new[] { $"{_server.Databases()}/{uuid}/query", _server.Databases(), $"{_server.Databases()}/{uuid}/export" })
        {
            var reply = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Chunked(path, chunked, Auth), Patience, Ct);
            AssertEnvelope(reply, 400, 7400, "");
        }
        var binding = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Chunked("/query", chunked, Binding(uuid)), Patience, Ct);
        Assert.Equal(400, binding.Status);
        Assert.False(JsonDocument.Parse(binding.Body).RootElement.GetProperty("success").GetBoolean());
    }

    [Theory]
    [InlineData("POST", "/atoll/transfers/uploads/x/y.sql")]
    [InlineData("GET", "/atoll/transfers/x.sql")]
    [InlineData("DELETE", "/atoll/transfers/exports/a/b.sql")]
    [InlineData("GET", "/client/v4/accounts/x/d1/database.json")]
    public async Task Unknown_paths_that_look_like_files_get_the_404_envelope(string method, string path)
    {
        var reply = await Reply.ReadAsync(await _server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct));
        Assert.Equal((404, false, 7003, "application/json"), (reply.Status, reply.Success, reply.ErrorCode, reply.ContentType));
    }

    [Fact]
    public async Task A_missing_database_is_named_in_the_404()
    {
        var reply = await Reply.ReadAsync(await _server.Client.GetAsync($"{_server.Databases()}/no-such-db", Ct));
        Assert.Equal((404, 7404), (reply.Status, reply.ErrorCode));
        Assert.StartsWith("Not Found", reply.ErrorMessage);   // D1's text first: wrangler and the SDK match it
        Assert.Contains("'no-such-db'", reply.ErrorMessage);
    }

    static void AssertEnvelope(RawHttp.Response reply, int status, int code, string message)
    {
        Assert.True(reply.Status == status, $"expected {status}, got {reply.Status}: {reply.Head}\n{reply.Text}");
        var body = JsonDocument.Parse(reply.Body).RootElement;
        Assert.False(body.GetProperty("success").GetBoolean(), reply.Text);
        Assert.Equal(code, body.GetProperty("errors")[0].GetProperty("code").GetInt32());
        Assert.Contains(message, body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("result").ValueKind);
    }
}
