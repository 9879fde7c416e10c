using System.Text;
using System.Text.Json;
using Atoll.Server.Analytics;
using Microsoft.Extensions.DependencyInjection;

namespace Atoll.Server.Tests.Api;

/// <summary>
/// <c>Idempotency-Key</c> on the REST query: a write resent with the same key and body (its first answer lost) gets the
/// first answer back and runs once; another body or no key runs again; a bad key is a D1-shaped 400.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class IdempotencyKeyTests(ServerFixture fixture)
{
    readonly AtollServer _server = fixture.Server;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<Reply> SendAsync(AtollServer server, string database, string? key, object body)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{server.Databases()}/{database}/query") { Content = AtollServer.Json(body) };
        if (key is not null) message.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await Reply.ReadAsync(await server.Client.SendAsync(message, Ct));
    }

    async Task<string> TableAsync()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)" });
        return uuid;
    }

    async Task<long> CountAsync(string uuid)
        => (await _server.QueryAsync(uuid, new { sql = "SELECT count(*) AS n FROM t" })).Result[0].GetProperty("results")[0].GetProperty("n").GetInt64();

    [Fact]
    public async Task The_same_key_and_body_again_get_the_first_answer_and_write_once()
    {
        var uuid = await TableAsync();
        var key = "order-" + Guid.NewGuid();
        var insert = new { sql = "INSERT INTO t(v) VALUES (?) RETURNING id, v", @params = new[] { "first" } };
        var first = await SendAsync(_server, uuid, key, insert);
        Assert.True(first.Success, first.Text);
        var again = await SendAsync(_server, uuid, key, insert);
        Assert.True(again.Success, again.Text);
        // The same result object: the RETURNING row and the meta of the one run (its last_row_id, its duration).
        Assert.Equal(first.Result.GetRawText(), again.Result.GetRawText());
        Assert.Equal(1, await CountAsync(uuid));
        // Analytics count the one run: the answer given again wrote no row.
        var stats = _server.Services.GetRequiredService<QueryStats>()
            .Queries([uuid], DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), QueryOrder.Parse("count_DESC")!, 100)
            .Single(q => q.Query.StartsWith("INSERT", StringComparison.Ordinal));
        Assert.Equal((1, 1), (stats.Count, stats.RowsWritten));
        // A later write sees only the one row the key made.
        var next = await SendAsync(_server, uuid, null, insert);
        Assert.Equal(2, next.Result[0].GetProperty("results")[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Another_body_or_no_key_runs_again()
    {
        var uuid = await TableAsync();
        var key = "k-" + Guid.NewGuid();
        Assert.True((await SendAsync(_server, uuid, key, new { sql = "INSERT INTO t(v) VALUES ('a')" })).Success);
        Assert.True((await SendAsync(_server, uuid, key, new { sql = "INSERT INTO t(v) VALUES ('b')" })).Success);
        Assert.True((await SendAsync(_server, uuid, null, new { sql = "INSERT INTO t(v) VALUES ('b')" })).Success);
        Assert.True((await SendAsync(_server, uuid, null, new { sql = "INSERT INTO t(v) VALUES ('b')" })).Success);
        Assert.Equal(4, await CountAsync(uuid));
    }

    [Fact]
    public async Task A_key_sent_to_another_database_is_another_request()
    {
        var (one, two) = (await TableAsync(), await TableAsync());
        var key = "k-" + Guid.NewGuid();
        Assert.True((await SendAsync(_server, one, key, new { sql = "INSERT INTO t(v) VALUES ('a')" })).Success);
        Assert.True((await SendAsync(_server, two, key, new { sql = "INSERT INTO t(v) VALUES ('a')" })).Success);
        Assert.Equal((1L, 1L), (await CountAsync(one), await CountAsync(two)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData(null)] // 256 characters
    public async Task A_bad_key_is_a_400_and_nothing_runs(string? key)
    {
        var uuid = await TableAsync();
        var reply = await SendAsync(_server, uuid, key ?? new string('k', 256), new { sql = "INSERT INTO t(v) VALUES ('x')" });
        Assert.Equal((400, false, 7400), (reply.Status, reply.Success, reply.ErrorCode));
        Assert.Contains("Idempotency-Key", reply.ErrorMessage);
        Assert.Equal(0, await CountAsync(uuid));
    }

    [Fact]
    public async Task Without_the_change_log_a_keyed_write_is_refused_rather_than_unprotected()
    {
        await using var server = await AtollServer.StartAsync(extraArgs: "--Atoll:TimeTravel:Enabled=false");
        var uuid = await server.CreateDatabaseAsync();
        await server.QueryAsync(uuid, new { sql = "CREATE TABLE t(v)" });
        var reply = await SendAsync(server, uuid, "k", new { sql = "INSERT INTO t VALUES (1)" });
        Assert.Equal((400, false), (reply.Status, reply.Success));
        Assert.Contains("change log", reply.ErrorMessage);
        var read = await SendAsync(server, uuid, "k2", new { sql = "SELECT count(*) AS n FROM t" });
        Assert.True(read.Success, read.Text); // a read needs no receipt
        Assert.Equal(0, read.Result[0].GetProperty("results")[0].GetProperty("n").GetInt64());
    }
}
