using Atoll.Server.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Atoll.Server.Tests.Grains;

/// <summary>
/// A database's queries off the grain's turn: reads in parallel, cancellation that reaches SQLite, a bounded queue that
/// sheds with D1's overloaded error, and the time limit answered as D1 does. Behaviour is observed through the server's
/// <see cref="QueryActivity"/> counters and through answers, never through elapsed time.
/// </summary>
public sealed class QueryQueueTests
{
    /// <summary>Runs until interrupted (the time limit or a cancellation).</summary>
    const string EndlessRead = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) AS n FROM c";

    /// <summary>Long enough that only a cancellation can end a read within the test.</summary>
    const string NoTimeLimit = "--Atoll:Engine:MaxRequestDuration=01:00:00";

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static async Task WaitUntil(Func<bool> condition, string what)
    {
        // A bound only for a broken build (the condition never comes): a loaded machine just takes longer to get there.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        while (!condition())
        {
            if (timeout.IsCancellationRequested) Assert.Fail($"gave up waiting until {what}");
            await Task.Delay(20, CancellationToken.None);
        }
    }

    static Task<HttpResponseMessage> Post(AtollServer server, string uuid, string sql, CancellationToken cancellationToken)
        => server.Client.PostAsync($"{server.Databases()}/{uuid}/query", AtollServer.Json(new { sql }), cancellationToken);

    [Fact]
    public async Task The_time_limit_answers_D1s_interrupt_error_not_an_Orleans_timeout()
    {
        // The defaults: a 30 s engine limit, which Orleans' own 30 s call timeout used to beat with a 500.
        await using var server = await AtollServer.StartAsync();
        var uuid = await server.CreateDatabaseAsync();
        using var client = server.NewClient(server.AdminToken);
        client.Timeout = TimeSpan.FromMinutes(5);
        var reply = await server.QueryAsync(uuid, new { sql = EndlessRead }, client);
        Assert.Equal(400, reply.Status);
        Assert.Contains("exceeded the time limit", reply.ErrorMessage);
        Assert.Contains("SQLITE_INTERRUPT", reply.ErrorMessage);
    }

    [Fact]
    public async Task A_cancelled_read_is_interrupted_and_frees_its_database()
    {
        await using var server = await AtollServer.StartAsync(extraArgs: [NoTimeLimit, "--Atoll:Engine:ReaderCount=1"]);
        var activity = server.Services.GetRequiredService<QueryActivity>();
        var uuid = await server.CreateDatabaseAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var endless = Post(server, uuid, EndlessRead, cancel.Token);
        await WaitUntil(() => activity.ReadsRunning == 1, "the endless read runs");

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => endless);
        // Only an interruption inside SQLite ends that read (it has an hour to run); the server counts it as the caller's.
        await WaitUntil(() => activity.Cancelled == 1 && activity.ReadsRunning == 0, "the server interrupted the cancelled read");
        // The only reader is free again.
        var next = await server.QueryAsync(uuid, new { sql = "SELECT 1 AS one" });
        Assert.Equal("""[{"one":1}]""", next.Result[0].GetProperty("results").GetRawText());
    }

    [Fact]
    public async Task Long_reads_on_one_database_run_at_the_same_time_and_other_databases_answer()
    {
        await using var server = await AtollServer.StartAsync(extraArgs: [NoTimeLimit, "--Atoll:Engine:ReaderCount=4"]);
        var activity = server.Services.GetRequiredService<QueryActivity>();
        var uuid = await server.CreateDatabaseAsync();
        var other = await server.CreateDatabaseAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var reads = Enumerable.Range(0, 4).Select(_ => Post(server, uuid, EndlessRead, cancel.Token)).ToList();

        // Inline on the grain's turn, at most one could run at a time.
        await WaitUntil(() => activity.ReadsRunning == 4, "four reads of one database run at once");
        var reply = await server.QueryAsync(other, new { sql = "SELECT 2 AS two" });
        Assert.Equal("""[{"two":2}]""", reply.Result[0].GetProperty("results").GetRawText());
        Assert.All(reads, read => Assert.False(read.IsCompleted));

        await cancel.CancelAsync();
        foreach (var read in reads) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        await WaitUntil(() => activity.ReadsRunning == 0 && activity.Cancelled == 4, "every cancelled read was interrupted");
        Assert.True((await server.QueryAsync(uuid, new { sql = "SELECT 1" })).Success);
    }

    [Fact]
    public async Task A_full_queue_refuses_more_with_D1s_overloaded_error_and_admits_the_queued_later()
    {
        await using var server = await AtollServer.StartAsync(extraArgs:
            [NoTimeLimit, "--Atoll:Engine:ReaderCount=1", "--Atoll:MaxQueuedRequests=2", "--Atoll:MaxQueueWait=01:00:00"]);
        var activity = server.Services.GetRequiredService<QueryActivity>();
        var uuid = await server.CreateDatabaseAsync();
        var other = await server.CreateDatabaseAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var endless = Post(server, uuid, EndlessRead, cancel.Token);
        await WaitUntil(() => activity.ReadsRunning == 1, "the endless read holds the only reader");
        var queued = Enumerable.Range(0, 2).Select(i => server.QueryAsync(uuid, new { sql = $"SELECT {i} AS i" })).ToList();
        await WaitUntil(() => activity.Queued == 2, "two requests wait in the queue");

        var refused = await server.QueryAsync(uuid, new { sql = "SELECT 'one too many'" });
        Assert.Equal(429, refused.Status);
        Assert.Equal(7429, refused.ErrorCode);
        Assert.Equal("D1 DB is overloaded. Too many requests queued.", refused.ErrorMessage);
        // Another database has its own queue.
        Assert.True((await server.QueryAsync(other, new { sql = "SELECT 1" })).Success);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => endless);
        for (var i = 0; i < queued.Count; i++)
        {
            var reply = await queued[i];
            Assert.True(reply.Success, reply.Text);
            Assert.Equal("[{\"i\":" + i + "}]", reply.Result[0].GetProperty("results").GetRawText());
        }
    }

    [Fact]
    public async Task A_request_queued_for_too_long_gets_D1s_overloaded_error_not_a_500_or_a_hang()
    {
        await using var server = await AtollServer.StartAsync(extraArgs:
            [NoTimeLimit, "--Atoll:Engine:ReaderCount=1", "--Atoll:MaxQueueWait=00:00:00.5"]);
        var activity = server.Services.GetRequiredService<QueryActivity>();
        var uuid = await server.CreateDatabaseAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var endless = Post(server, uuid, EndlessRead, cancel.Token);
        await WaitUntil(() => activity.ReadsRunning == 1, "the endless read holds the only reader");

        // Reads and writes alike: the endless read holds the reader a write is first prepared on.
        var replies = await Task.WhenAll(
            server.QueryAsync(uuid, new { sql = "SELECT 1" }),
            server.QueryAsync(uuid, new { sql = "CREATE TABLE t(a)" }),
            server.QueryAsync(uuid, new { sql = "SELECT 2" }));
        Assert.All(replies, reply =>
        {
            Assert.Equal(429, reply.Status);
            Assert.Equal(7429, reply.ErrorCode);
            Assert.Equal("D1 DB is overloaded. Requests queued for too long.", reply.ErrorMessage);
        });
        Assert.False(endless.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => endless);
    }

    [Fact]
    public async Task Parallel_reads_see_consistent_snapshots_while_writes_commit()
    {
        await using var server = await AtollServer.StartAsync(extraArgs: ["--Atoll:Engine:ReaderCount=4"]);
        var uuid = await server.CreateDatabaseAsync();
        Assert.True((await server.QueryAsync(uuid, new { sql = "CREATE TABLE acct(id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO acct VALUES (1, 100), (2, 0)" })).Success);

        // Each write moves 1 from one row to the other in one transaction: every snapshot sums to 100.
        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                var reply = await server.QueryAsync(uuid, new
                {
                    batch = new[] { new { sql = "UPDATE acct SET v = v - 1 WHERE id = 1" }, new { sql = "UPDATE acct SET v = v + 1 WHERE id = 2" } },
                });
                Assert.True(reply.Success, reply.Text);
            }
        }, Ct);
        var sums = new System.Collections.Concurrent.ConcurrentBag<long>();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            do
            {
                // Two statements of one request read one snapshot, even with a commit between them.
                var reply = await server.QueryAsync(uuid, new
                {
                    batch = new[] { new { sql = "SELECT v FROM acct WHERE id = 1" }, new { sql = "SELECT v FROM acct WHERE id = 2" } },
                });
                Assert.True(reply.Success, reply.Text);
                sums.Add(reply.Result[0].GetProperty("results")[0].GetProperty("v").GetInt64()
                    + reply.Result[1].GetProperty("results")[0].GetProperty("v").GetInt64());
            } while (!writes.IsCompleted);
        }, Ct)).ToList();
        await writes;
        await Task.WhenAll(readers);

        Assert.NotEmpty(sums);
        Assert.All(sums, sum => Assert.Equal(100, sum));
        var final = await server.QueryAsync(uuid, new { sql = "SELECT v FROM acct ORDER BY id" });
        Assert.Equal("""[{"v":40},{"v":60}]""", final.Result[0].GetProperty("results").GetRawText());
    }
}
