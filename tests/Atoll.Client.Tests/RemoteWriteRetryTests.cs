using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Atoll.Client.Tests;

/// <summary>
/// <see cref="AtollConnectionOptions.RetryWrites"/> against a real Atoll server behind a proxy that loses the first answer
/// of a write after the server ran it (as a dropped connection would): the SDK resends the write under the same
/// Idempotency-Key and gets the first answer back; the write ran once. Without the option the write is not resent.
/// </summary>
public sealed class RemoteWriteRetryTests(AtollServerFixture server)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Forwards every request to the real server; the first answer to a request carrying an Idempotency-Key (or, with
    /// <paramref name="loseUnkeyed"/>, to the first INSERT) is dropped and replaced by a 503, after the server ran it.
    /// </summary>
    async Task<(FakeServer Proxy, List<string?> Keys)> LossyProxyAsync(bool loseUnkeyed)
    {
        var keys = new List<string?>();
        var lost = 0;
        var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var proxy = await FakeServer.StartAsync(async (context, _) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, Ct);
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString)
            {
                Content = context.Request.ContentLength > 0 ? new ByteArrayContent(body.ToArray()) : null,
            };
            if (request.Content is not null) request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            foreach (var header in context.Request.Headers.Where(h => h.Key is "Authorization" or "Idempotency-Key" or "x-atoll-typed-reals"))
                request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            var key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
            var insert = System.Text.Encoding.UTF8.GetString(body.ToArray()).Contains("INSERT", StringComparison.Ordinal);
            lock (keys) if (insert) keys.Add(key);
            using var response = await http.SendAsync(request, Ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
            if (insert && (key is not null || loseUnkeyed) && Interlocked.Increment(ref lost) == 1)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable; // the server ran it; its answer is lost
                return;
            }
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(bytes, Ct);
        });
        return (proxy, keys);
    }

    ID1Database Open(string url, string database, bool retryWrites) => D1Client.Open(new D1DatabaseOptions
    {
        Mode = AtollMode.Remote, Url = url, ApiToken = AtollServerFixture.AdminToken, AccountId = server.AccountId, Database = database,
        CreateIfMissing = true, Timeout = TimeSpan.FromSeconds(60), RetryWrites = retryWrites,
    });

    [Fact]
    public async Task A_write_whose_answer_was_lost_is_resent_under_its_key_and_runs_once()
    {
        var (proxy, keys) = await LossyProxyAsync(loseUnkeyed: false);
        await using var _ = proxy;
        using var db = Open(proxy.Url, "retry-" + Guid.NewGuid().ToString("N")[..10], retryWrites: true);
        await db.ExecAsync("CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)", Ct);
        var inserted = await db.Prepare("INSERT INTO t(v) VALUES (?) RETURNING id").Bind("once").FirstAsync<long>("id", Ct);
        Assert.Equal(1, inserted);
        Assert.Equal(1, await db.Prepare("SELECT count(*) AS n FROM t").FirstAsync<long>("n", Ct));
        // Two sends of the one INSERT, both under the same key.
        Assert.Equal(2, keys.Count);
        Assert.NotNull(keys[0]);
        Assert.Equal(keys[0], keys[1]);
        // The next write has a key of its own, and runs.
        Assert.Equal(2, await db.Prepare("INSERT INTO t(v) VALUES (?) RETURNING id").Bind("next").FirstAsync<long>("id", Ct));
        Assert.NotEqual(keys[0], keys[^1]);
    }

    [Fact]
    public async Task Without_the_option_a_write_is_sent_once_and_its_lost_answer_is_an_error()
    {
        var (proxy, keys) = await LossyProxyAsync(loseUnkeyed: true);
        await using var _ = proxy;
        using var db = Open(proxy.Url, "noretry-" + Guid.NewGuid().ToString("N")[..10], retryWrites: false);
        await db.ExecAsync("CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)", Ct);
        var ex = await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("INSERT INTO t(v) VALUES ('x')").RunAsync(Ct));
        Assert.True(ex.IsTransient, ex.Message);
        Assert.Equal([null], keys);
        Assert.Equal(1, await db.Prepare("SELECT count(*) AS n FROM t").FirstAsync<long>("n", Ct)); // it did run, once
    }
}
