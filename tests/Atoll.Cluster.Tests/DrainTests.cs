namespace Atoll.Cluster.Tests;

/// <summary>
/// Draining each node in turn and starting it again (a rolling restart) under load, through the API or with SIGTERM (what
/// systemd or Kubernetes sends): no request fails and nothing acknowledged is lost. A write in flight to the leaving node
/// as it stops is resent by the node that received it (with its request id: answered from its receipt if it had run).
/// </summary>
[Collection("cluster")]
public sealed class DrainTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Rolling_restart_by_drain_or_sigterm_fails_no_request_and_loses_nothing()
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
        // A write run twice (a resend that was not recognised) fails on its own primary key: that counts as a failure too.
        Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} failed requests:\n{string.Join("\n", load.Failures.Take(20))}\n{cluster.Logs()}");
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
