using System.Net;
using System.Text;
using System.Text.Json;

namespace Atoll.Server.Tests.Binding;

/// <summary>The binding protocol on real Kestrel: what workerd's D1 shim sends, answered in the shapes it reads.</summary>
[Collection(ServerCollection.Name)]
public sealed class BindingApiTests(ServerFixture fixture)
{
    readonly AtollServer _server = fixture.Server;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Send(string uuid, string path, string body,
        Action<HttpRequestMessage>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-atoll-database", uuid);
        request.Headers.Add("x-atoll-account", _server.AccountId);
        headers?.Invoke(request);
        var response = await _server.Client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    [Theory]
    [InlineData("/query?resultsFormat=ROWS_AND_COLUMNS", """{"columns":["a","a"],"rows":[[1,2]]}""")]
    [InlineData("/execute?resultsFormat=NONE", """[{"a":1,"a":2}]""")]
    [InlineData("/query?resultsFormat=ARRAY_OF_OBJECTS", """[{"a":1,"a":2}]""")]
    [InlineData("/query", """[{"a":1,"a":2}]""")]
    [InlineData("/query?resultsFormat=SOMETHING_NEW", """[{"a":1,"a":2}]""")]   // duplicate keys: JSON.parse keeps the last, as D1
    public async Task Query_shapes_results_by_resultsFormat(string path, string results)
    {
        var uuid = await _server.CreateDatabaseAsync();
        var (status, body, _) = await Send(uuid, path, """{"sql":"SELECT 1 AS a, 2 AS a","params":[]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Array, body.ValueKind);   // one item per SQL text, even for a single object request
        Assert.Equal(results, body[0].GetProperty("results").GetRawText());
        Assert.True(body[0].GetProperty("meta").TryGetProperty("size_after", out _));
    }

    [Fact]
    public async Task Execute_with_none_still_returns_an_empty_results_array()
    {
        var uuid = await _server.CreateDatabaseAsync();
        var (_, body, _) = await Send(uuid, "/execute?resultsFormat=NONE", """{"sql":"CREATE TABLE t(a)","params":[]}""");
        Assert.Equal("[]", body[0].GetProperty("results").GetRawText());
    }

    [Fact]
    public async Task Query_binds_every_number_as_real_and_arrays_as_blobs()
    {
        var uuid = await _server.CreateDatabaseAsync();
        var (_, body, _) = await Send(uuid, "/query", """{"sql":"SELECT typeof(?) AS n, ?/2 AS half, typeof(?) AS b, hex(?) AS h","params":[1,7,[1,2],[255]]}""");
        Assert.Equal("""[{"n":"real","half":3.5,"b":"blob","h":"FF"}]""", body[0].GetProperty("results").GetRawText());
    }

    [Fact]
    public async Task Batch_failure_is_one_top_level_object_and_rolls_everything_back()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await Send(uuid, "/execute", """[{"sql":"CREATE TABLE t(a UNIQUE)"},{"sql":"INSERT INTO t VALUES (1)"}]""");

        var (status, body, _) = await Send(uuid, "/query",
            """[{"sql":"INSERT INTO t VALUES (2)","params":[]},{"sql":"INSERT INTO t VALUES (1)","params":[]}]""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("""{"success":false,"error":"UNIQUE constraint failed: t.a: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)"}""", body.GetRawText());
        var (_, count, _) = await Send(uuid, "/query", """{"sql":"SELECT count(*) AS n FROM t"}""");
        Assert.Equal(1, count[0].GetProperty("results")[0].GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Query_drops_comment_only_texts_and_fails_when_none_is_left()
    {
        var uuid = await _server.CreateDatabaseAsync();
        var (_, kept, _) = await Send(uuid, "/execute", """[{"sql":"SELECT 1"},{"sql":""},{"sql":"  -- note"},{"sql":"SELECT 2"}]""");
        Assert.Equal(2, kept.GetArrayLength());

        var (_, none, _) = await Send(uuid, "/execute", """[{"sql":""},{"sql":"\n  -- note"}]""");
        Assert.Equal("No SQL statements detected.", none.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Writes_move_the_session_commit_token_forward()
    {
        var uuid = await _server.CreateDatabaseAsync();
        static string Token(HttpResponseMessage r) => r.Headers.GetValues("x-cf-d1-session-commit-token").Single();
        var (_, _, before) = await Send(uuid, "/query", """{"sql":"SELECT 1"}""", r => r.Headers.Add("x-cf-d1-session-commit-token", "first-unconstrained"));
        var (_, _, write) = await Send(uuid, "/execute", """{"sql":"CREATE TABLE t(a)"}""", r => r.Headers.Add("x-cf-d1-session-commit-token", Token(before)));
        var (_, _, after) = await Send(uuid, "/query", """{"sql":"SELECT 1"}""", r => r.Headers.Add("x-cf-d1-session-commit-token", Token(write)));

        Assert.True(string.CompareOrdinal(Token(before), Token(write)) < 0);
        Assert.Equal(Token(write), Token(after));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$", Token(after));
    }

    [Fact]
    public async Task Dump_returns_the_sqlite_file_and_leaves_no_copy_behind()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await Send(uuid, "/execute", """[{"sql":"CREATE TABLE t(a)"},{"sql":"INSERT INTO t VALUES ('kept')"}]""");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/dump");
        request.Headers.Add("x-atoll-database", uuid);
        request.Headers.Add("x-atoll-account", _server.AccountId);
        using var response = await _server.Client.SendAsync(request, Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("SQLite format 3\0"u8.ToArray(), bytes[..16]);
        Assert.Contains("kept", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        // The copy is staged in the transfer folder (where another node could read it) and served from there, not copied again.
        var folder = Path.Combine(_server.DataDirectory, "transfers", "staging");
        Assert.True(Directory.Exists(folder), $"{folder} is missing: the dump was not staged there");
        // The server deletes its copy when it closes the response stream, which may be just after the client has the
        // last byte: wait for that, bounded only for a copy that is never deleted.
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        gone.CancelAfter(TimeSpan.FromMinutes(1));
        while (Directory.GetFiles(folder, "*.sqlite").Length > 0 && !gone.IsCancellationRequested) await Task.Delay(20, CancellationToken.None);
        Assert.Empty(Directory.GetFiles(folder, "*.sqlite"));
    }

    [Fact]
    public async Task Missing_headers_and_unknown_routes_fail_in_the_binding_shape()
    {
        var uuid = await _server.CreateDatabaseAsync();
        var (status, body, _) = await Send(uuid, "/query", """{"sql":"SELECT 1"}""", r => r.Headers.Remove("x-atoll-account"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Missing header x-atoll-account", body.GetProperty("error").GetString(), StringComparison.Ordinal);

        var (notFound, route, _) = await Send(uuid, "/quer", "{}");
        Assert.Equal(HttpStatusCode.NotFound, notFound);
        Assert.Equal("No binding route for POST /quer: use POST /query, /execute or /dump", route.GetProperty("error").GetString());
    }
}
