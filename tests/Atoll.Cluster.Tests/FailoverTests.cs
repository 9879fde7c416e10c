using System.Net.Http.Json;
using System.Text.Json;

namespace Atoll.Cluster.Tests;

/// <summary>
/// A node SIGKILLed under write load: its databases answer from the others, no request fails (writes in flight are resent)
/// and nothing acknowledged is lost.
/// </summary>
[Collection("cluster")]
public sealed class FailoverTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Killed_node_loses_no_acknowledged_write_and_its_databases_answer_from_the_others()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var run = Guid.NewGuid().ToString("N")[..8];
        var front = cluster.Nodes[0];
        var databases = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            databases.Add(await ClusterFixture.CreateTableAsync(front, $"failover-{run}-{i}", ct));
        }
        var owners = await ClusterFixture.ListAsync(front, ct);
        // The victim: the node owning the most of them (never the one the test talks to for administration).
        var victim = cluster.Nodes.Skip(1).OrderByDescending(n => databases.Count(d => owners[n.Name].Databases.Contains(d))).First();
        var victimOwns = databases.Where(d => owners[victim.Name].Databases.Contains(d)).ToList();
        Assert.NotEmpty(victimOwns);

        // Time Travel across the failover: a bookmark taken while the victim owned the database, restored after it died.
        var travel = victimOwns[0];
        await front.QueryAsync(travel, "INSERT INTO t(id) VALUES (-1), (-2), (-3)", null, ct);
        var before = (await front.Client.GetFromJsonAsync<JsonElement>($"{front.Databases}/{travel}/time_travel/bookmark", ct))
            .GetProperty("result").GetProperty("bookmark").GetString()!;
        await front.QueryAsync(travel, "INSERT INTO t(id) VALUES (-4), (-5)", null, ct);

        var survivors = cluster.Nodes.Where(n => n != victim).ToArray();
        var loadDatabases = databases.Where(d => d != travel).ToList();
        WriteLoad? load = new(loadDatabases, turn => survivors[turn % survivors.Length]);
        try
        {
            load.Start();
            await WaitUntilAsync(() => loadDatabases.All(d => load.Acknowledged[d].Count >= 3), TimeSpan.FromMinutes(2), ct);
            var killedAt = DateTime.UtcNow;
            await victim.KillAsync();
            // Every database, the victim's included, acknowledges writes again after the kill.
            var recovered = await WaitUntilAsync(() => loadDatabases.All(d => load.LastAck.TryGetValue(d, out var at) && at > killedAt.AddSeconds(1)),
                TimeSpan.FromMinutes(3), ct);
            Assert.True(recovered, $"not every database answered again after the kill:\n{string.Join("\n", load.Failures.Take(20))}\n{cluster.Logs()}");
            // A write in flight on the dead node is resent to the next owner with its request id (answered from its
            // receipt if it had been published, run if not): no request fails, and none runs twice (its primary key would).
            Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} failed requests:\n{string.Join("\n", load.Failures.Take(20))}\n{cluster.Logs()}");
        }
        finally
        {
            await load.DisposeAsync();
        }

        foreach (var database in loadDatabases)
        {
            var present = await front.IdsAsync(database, ct);
            Assert.NotNull(present);
            var lost = load.Acknowledged[database].Where(id => !present.Contains(id)).ToList();
            Assert.True(lost.Count == 0, $"{database}: acknowledged ids lost: {string.Join(", ", lost)}");
            var (_, check) = await front.QueryAsync(database, "PRAGMA quick_check", null, ct);
            Assert.Equal("ok", check.GetProperty("result")[0].GetProperty("results")[0].GetProperty("quick_check").GetString());
        }

        using var restore = await front.Client.PostAsync($"{front.Databases}/{travel}/time_travel/restore?bookmark={before}", null, ct);
        Assert.True(restore.IsSuccessStatusCode, await restore.Content.ReadAsStringAsync(ct));
        var (_, restored) = await front.QueryAsync(travel, "SELECT count(*) AS n FROM t", null, ct);
        Assert.Equal(3, restored.GetProperty("result")[0].GetProperty("results")[0].GetProperty("n").GetInt32());
    }

    internal static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(200, cancellationToken);
        }
        return true;
    }
}
