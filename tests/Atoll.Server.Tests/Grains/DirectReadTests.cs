using Atoll.Server.Grains;
using Atoll.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Atoll.Server.Tests.Grains;

/// <summary>
/// Reads of a database whose grain is active in this process run without a grain call; the grain still owns the database:
/// writes go through it, and closing or deleting it is safe while direct reads run. Observed through answers and the
/// server's counters, never through elapsed time.
/// </summary>
public sealed class DirectReadTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reads_of_an_active_database_skip_the_grain_and_see_every_acknowledged_write()
    {
        await using var server = await AtollServer.StartAsync();
        var activity = server.Services.GetRequiredService<QueryActivity>();
        var uuid = await server.CreateDatabaseAsync();
        Assert.True((await server.QueryAsync(uuid, new { sql = "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)" })).Success);
        var before = activity.DirectReads;

        for (var i = 1; i <= 20; i++)
        {
            var write = await server.QueryAsync(uuid, new { sql = "INSERT INTO t(v) VALUES (?)", @params = new[] { $"row {i}" } });
            Assert.True(write.Success, write.Text);
            Assert.Equal(1, write.Result[0].GetProperty("meta").GetProperty("changes").GetInt32());
            // Read-your-write: the direct read sees the commit acknowledged just before.
            var read = await server.QueryAsync(uuid, new { sql = "SELECT count(*) AS n, max(v) AS last FROM t WHERE id <= ?", @params = new[] { $"{i}" } });
            Assert.True(read.Success, read.Text);
            Assert.Equal(i, read.Result[0].GetProperty("results")[0].GetProperty("n").GetInt32());
        }
        // Most reads took the direct path (one now and then goes through the grain, to keep it from idling out).
        Assert.True(activity.DirectReads - before >= 10, $"direct reads: {activity.DirectReads - before} of 20");
        // A write known to write skips the reader: the inserts above ran once each, on the writer.
        var count = await server.QueryAsync(uuid, new { sql = "SELECT count(*) AS n FROM t" });
        Assert.Equal(20, count.Result[0].GetProperty("results")[0].GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task A_database_read_only_directly_still_closes_when_idle_and_reopens_on_the_next_read()
    {
        await using var server = await AtollServer.StartAsync(extraArgs: ["--Atoll:IdleTimeout=00:00:01"]);
        var open = server.Services.GetRequiredService<OpenDatabases>();
        var uuid = await server.CreateDatabaseAsync();
        Assert.True((await server.QueryAsync(uuid, new { sql = "CREATE TABLE t(a); INSERT INTO t VALUES (42)" })).Success);
        for (var i = 0; i < 10; i++) Assert.True((await server.QueryAsync(uuid, new { sql = "SELECT a FROM t" })).Success);

        // Idle collection still closes it: the grain withdrew it from direct reads and drained them first.
        await QueryQueueTests.WaitUntil(() => open.Count == 0, "the idle database closed");
        var reply = await server.QueryAsync(uuid, new { sql = "SELECT a FROM t" });
        Assert.True(reply.Success, reply.Text);
        Assert.Equal("""[{"a":42}]""", reply.Result[0].GetProperty("results").GetRawText());
        Assert.Equal(1, open.Count);
    }

    [Fact]
    public async Task Reads_racing_a_close_and_a_delete_get_an_answer_or_not_found_never_a_500()
    {
        await using var server = await AtollServer.StartAsync();
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var uuid = await server.CreateDatabaseAsync();
        Assert.True((await server.QueryAsync(uuid, new { sql = "CREATE TABLE t(a); INSERT INTO t VALUES (7)" })).Success);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var statuses = new System.Collections.Concurrent.ConcurrentBag<(int Status, string Text)>();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var reply = await server.QueryAsync(uuid, new { sql = "SELECT a FROM t" });
                statuses.Add((reply.Status, reply.Text));
                if (reply.Status == 200) Assert.Equal("""[{"a":7}]""", reply.Result[0].GetProperty("results").GetRawText());
                if (reply.Status == 404) return; // deleted
            }
        }, CancellationToken.None)).ToList();

        // Closes under the readers' feet: their reads fall back to the grain, which reopens the database.
        await QueryQueueTests.WaitUntil(() => statuses.Count >= 20, "reads ran");
        await grains.GetGrain<IDatabaseGrain>(uuid).Close();
        var afterClose = statuses.Count;
        await QueryQueueTests.WaitUntil(() => statuses.Count >= afterClose + 20, "reads ran after the close");
        var deleted = await Reply.ReadAsync(await server.Client.DeleteAsync($"{server.Databases()}/{uuid}", Ct));
        Assert.True(deleted.Success, deleted.Text);
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromMinutes(3), Ct);

        Assert.All(statuses, s => Assert.True(s.Status is 200 or 404, $"{s.Status}: {s.Text}"));
        Assert.Contains(statuses, s => s.Status == 404);
    }
}
