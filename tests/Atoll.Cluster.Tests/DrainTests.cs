namespace Atoll.Cluster.Tests;

/// <summary>
/// Draining each node in turn and starting it again (a rolling restart) under load, through the API or with SIGTERM (what
/// systemd or Kubernetes sends): no read fails, nothing acknowledged is lost, and a write fails only with D1's retryable
/// "Network connection lost." — known defect (issue 12): rarely, a write in flight to the leaving node as it stops.
/// </summary>
[Collection("cluster")]
public sealed class DrainTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Rolling_restart_by_drain_or_sigterm_fails_no_read_and_loses_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var run = Guid.NewGuid().ToString("N")[..8];
        var databases = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            databases.Add(await ClusterFixture.CreateTableAsync(cluster.Nodes[0], $"drain-{run}-{i}", ct));
        }
        // Clients go through the nodes that are not leaving (as a load balancer does once a node is drained).
        var serving = cluster.Nodes.ToArray();
        var load = new WriteLoad(databases, turn =>
        {
            var up = Volatile.Read(ref serving);
            return up[turn % up.Length];
        });
        load.Start(readsToo: true);
        try
        {
            foreach (var node in cluster.Nodes)
            {
                Volatile.Write(ref serving, cluster.Nodes.Where(n => n != node).ToArray());
                await Task.Delay(500, ct); // requests already sent to it finish
                if (node == cluster.Nodes[1]) await node.TerminateAsync();
                else
                {
                    var through = cluster.Nodes.First(n => n != node);
                    using var drain = await through.Client.PostAsync($"/client/v4/cluster/nodes/{node.Name}/drain", null, ct);
                    Assert.True(drain.IsSuccessStatusCode, await drain.Content.ReadAsStringAsync(ct));
                }
                Assert.True(await node.WaitForExitAsync(TimeSpan.FromMinutes(2), ct), $"{node.Name} did not leave:\n{node.Output}");
                await node.ReapAsync();
                await node.StartAsync(ClusterFixture.AdminToken, ct);
                await cluster.WaitForActiveAsync(3, ct);
                Volatile.Write(ref serving, cluster.Nodes.ToArray());
                await Task.Delay(1000, ct);
            }
        }
        finally
        {
            await load.DisposeAsync();
        }
        // The only failure allowed: a write whose node went away as it ran, answered as D1 answers it (issue 12 is open
        // for these: they should not happen at all in a drain).
        var other = load.Failures.Where(f => !(f.Contains(" id ", StringComparison.Ordinal) && f.Contains(": 503 ", StringComparison.Ordinal)
            && f.Contains("Network connection lost.", StringComparison.Ordinal))).ToList();
        Assert.True(other.Count == 0, $"{other.Count} failed requests:\n{string.Join("\n", other.Take(20))}\n{cluster.Logs()}");
        Assert.True(load.Failures.Count <= 10, $"{load.Failures.Count} writes failed:\n{string.Join("\n", load.Failures.Take(20))}\n{cluster.Logs()}");
        foreach (var database in databases)
        {
            Assert.NotEmpty(load.Acknowledged[database]);
            var present = await cluster.Nodes[0].IdsAsync(database, ct);
            Assert.NotNull(present);
            var lost = load.Acknowledged[database].Where(id => !present.Contains(id)).ToList();
            Assert.True(lost.Count == 0, $"{database}: acknowledged ids lost: {string.Join(", ", lost)}");
        }
    }
}
