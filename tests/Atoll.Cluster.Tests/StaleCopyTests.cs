namespace Atoll.Cluster.Tests;

/// <summary>
/// A node that owned a database, left, and owns it again later must serve the store's newer history, not the copy it
/// kept on its disk: local disk is a cache.
/// </summary>
[Collection("cluster")]
public sealed class StaleCopyTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Database_back_on_a_node_with_an_older_copy_serves_the_newer_history()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var (wnam, weur) = (cluster.Nodes[0], cluster.Nodes[1]);
        // Hinted to WEUR: it opens on node2 whenever node2 is up and it is placed anew.
        var uuid = await ClusterFixture.CreateDatabaseAsync(wnam, $"stale-{Guid.NewGuid():N}"[..30], "weur", ct);
        Assert.Equal(200, (await wnam.QueryAsync(uuid, "CREATE TABLE t(id INTEGER PRIMARY KEY)", null, ct)).Status);
        for (var id = 1; id <= 5; id++) Assert.Equal(200, (await wnam.QueryAsync(uuid, "INSERT INTO t(id) VALUES (?)", [id], ct)).Status);
        Assert.Contains(uuid, (await ClusterFixture.ListAsync(wnam, ct))[weur.Name].Databases);

        // node2 leaves with its copy (ids 1–5) on disk; the database goes on elsewhere.
        await DrainAsync(weur, through: wnam, ct);
        for (var id = 6; id <= 10; id++)
        {
            var (status, body) = await wnam.QueryAsync(uuid, "INSERT INTO t(id) VALUES (?)", [id], ct);
            Assert.True(status == 200, body.ToString());
        }
        await weur.StartAsync(ClusterFixture.AdminToken, ct);
        await cluster.WaitForActiveAsync(3, ct);

        // The interim owner leaves: placed anew, the database goes back to node2, which still has the older copy.
        var owners = await ClusterFixture.ListAsync(wnam, ct);
        var interim = cluster.Nodes.Single(n => owners[n.Name].Databases.Contains(uuid));
        Assert.NotEqual(weur, interim);
        var through = cluster.Nodes.First(n => n != interim);
        await DrainAsync(interim, through, ct);

        var ids = await through.IdsAsync(uuid, ct);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i).ToHashSet(), ids);
        Assert.Contains(uuid, (await ClusterFixture.ListAsync(through, ct))[weur.Name].Databases);
        // And it goes on from there: the next commit follows the store's history.
        Assert.Equal(200, (await through.QueryAsync(uuid, "INSERT INTO t(id) VALUES (11)", null, ct)).Status);
        Assert.Equal(11, (await through.IdsAsync(uuid, ct))!.Count);
    }

    async Task DrainAsync(ClusterNode node, ClusterNode through, CancellationToken ct)
    {
        using var drain = await through.Client.PostAsync($"/client/v4/cluster/nodes/{node.Name}/drain", null, ct);
        Assert.True(drain.IsSuccessStatusCode, await drain.Content.ReadAsStringAsync(ct));
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromMinutes(2), ct), $"{node.Name} did not leave:\n{node.Output}");
        await node.ReapAsync();
        await cluster.WaitForActiveAsync(cluster.Nodes.Count(n => n.IsRunning), ct);
    }
}
