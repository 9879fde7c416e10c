using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Atoll.Client.Tests;

/// <summary>What the remote transport does when the server is down, slow, overloaded, refuses the token or answers garbage.</summary>
public sealed class RemoteFailureTests(AtollServerFixture server)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static ID1Database Open(string url, TimeSpan? timeout = null, int retries = 2) => D1Client.Open(new D1DatabaseOptions
    {
        Mode = AtollMode.Remote, Url = url, ApiToken = "token-of-at-least-16", AccountId = "acc", Database = "db",
        Timeout = timeout ?? TimeSpan.FromSeconds(10), MaxReadRetries = retries,
    });

    [Fact]
    public async Task A_server_that_is_down_fails_fast_with_a_clear_transient_error()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        using var db = Open($"http://127.0.0.1:{port}");
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("SELECT 1").AllAsync(Ct));
        Assert.StartsWith($"D1_ERROR: Could not reach the Atoll server at http://127.0.0.1:{port}/: ", ex.Message);
        Assert.True(ex.IsTransient);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Garbage_is_reported_with_the_bindings_wording_and_not_retried()
    {
        await using var fake = await FakeServer.StartAsync((context, _) => context.Response.WriteAsync("<html>oops</html>", Ct));
        using var db = Open(fake.Url);
        var ex = await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("SELECT 1").AllAsync(Ct));
        Assert.Equal($"D1_ERROR: Failed to parse body as JSON, got: <html>oops</html> (HTTP 200 from {fake.Url}/)", ex.Message);
        Assert.Equal(1, fake.Requests);
    }

    [Fact]
    public async Task Read_only_queries_are_retried_twice_on_transient_failures()
    {
        await using var fake = await FakeServer.StartAsync(async (context, n) =>
        {
            if (n <= 2) context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            else await context.Response.WriteAsync(FakeServer.OneRowEnvelope, Ct);
        });
        using var db = Open(fake.Url);
        Assert.Equal(1, await db.Prepare("SELECT 1 AS one").FirstAsync<int>("one", Ct));
        Assert.Equal(3, fake.Requests);
    }

    [Fact]
    public async Task Retries_are_bounded_and_writes_are_never_retried()
    {
        await using var fake = await FakeServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        using var db = Open(fake.Url);
        var read = await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("WITH x AS (SELECT 1) SELECT * FROM x").AllAsync(Ct));
        Assert.Equal($"D1_ERROR: HTTP 503 from the Atoll server at {fake.Url}/", read.Message);
        Assert.Equal(3, fake.Requests);
        await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("INSERT INTO t VALUES (1)").RunAsync(Ct));
        await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("WITH x AS (SELECT 1) DELETE FROM t").RunAsync(Ct));
        await Assert.ThrowsAsync<D1Exception>(() => db.BatchAsync([db.Prepare("SELECT 1"), db.Prepare("UPDATE t SET x = 1")], Ct));
        Assert.Equal(6, fake.Requests);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_times_out_per_attempt()
    {
        await using var fake = await FakeServer.StartAsync(async (context, _) =>
        {
            try { await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted); } catch (OperationCanceledException) { }
        });
        using var db = Open(fake.Url, TimeSpan.FromMilliseconds(300), retries: 0);
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("SELECT 1").AllAsync(Ct));
        Assert.Equal($"D1_ERROR: No answer from the Atoll server at {fake.Url}/ within 0.3 s", ex.Message);
        Assert.True(ex.IsTransient);
        // Well under the 20 s the server keeps silent (with room for a loaded machine): the 0.3 s timeout ended the call.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_token_the_server_does_not_know_gets_its_authentication_error()
    {
        using var db = D1Client.Open(new D1DatabaseOptions
        {
            Mode = AtollMode.Remote, Url = server.Url, ApiToken = "not-a-real-token-at-all", AccountId = server.AccountId, Database = "x",
        });
        var ex = await Assert.ThrowsAsync<D1Exception>(() => db.Prepare("SELECT 1").AllAsync(Ct));
        Assert.Equal((9109, "D1_ERROR: Authentication error: the API token is not valid"), (ex.ApiCode, ex.Message));
    }
}
