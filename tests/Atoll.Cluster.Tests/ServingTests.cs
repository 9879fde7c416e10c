namespace Atoll.Cluster.Tests;

/// <summary>Every node serves every database; databases spread over the nodes; a location hint places the primary in its region.</summary>
[Collection("cluster")]
public sealed class ServingTests(ClusterFixture cluster)
{
    [Fact]
    public Task Databases_spread_over_all_nodes_and_every_node_answers_for_every_database()
        => AssertDatabasesSpreadAndServedByEveryNodeAsync(cluster, TestContext.Current.CancellationToken);

    /// <summary>The scenario itself, shared with <see cref="RedisMembershipTests"/> (the same on either membership provider).</summary>
    internal static async Task AssertDatabasesSpreadAndServedByEveryNodeAsync(ClusterFixture cluster, CancellationToken ct)
    {
        await cluster.EnsureAllRunningAsync(ct);
        var run = Guid.NewGuid().ToString("N")[..8];
        var uuids = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            // Created and written through different nodes: the catalog is shared, the owner is wherever Orleans put it.
            var uuid = await ClusterFixture.CreateDatabaseAsync(cluster.Nodes[i % 3], $"spread-{run}-{i}", null, ct);
            var (status, body) = await cluster.Nodes[(i + 1) % 3].QueryAsync(uuid,
                "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES (?)", [$"db{i}"], ct);
            Assert.True(status == 200, $"write to {uuid} failed: {body}\n{cluster.Logs()}");
            uuids.Add(uuid);
        }

        var owners = await ClusterFixture.ListAsync(cluster.Nodes[0], ct);
        var ownerOf = uuids.ToDictionary(u => u, u => owners.Single(o => o.Value.Databases.Contains(u)).Key);
        Assert.Equal(3, ownerOf.Values.Distinct().Count()); // 24 databases at random over 3 nodes: each gets some

        foreach (var uuid in uuids)
            foreach (var node in cluster.Nodes)
            {
                var (status, body) = await node.QueryAsync(uuid, "SELECT v FROM t", null, ct);
                Assert.True(status == 200, $"{node.Name} could not read {uuid}: {body}");
                var result = body.GetProperty("result")[0];
                Assert.Equal($"db{uuids.IndexOf(uuid)}", result.GetProperty("results")[0].GetProperty("v").GetString());
                // The answer says which node ran it: the owner, whichever node was asked.
                Assert.Equal(ownerOf[uuid], result.GetProperty("meta").GetProperty("served_by_colo").GetString());
            }
    }

    [Fact]
    public async Task Primary_location_hint_places_the_database_on_a_node_of_that_region()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var run = Guid.NewGuid().ToString("N")[..8];
        foreach (var (hint, node) in new[] { ("weur", "node2"), ("apac", "node3"), ("wnam", "node1") })
            for (var i = 0; i < 3; i++)
            {
                var uuid = await ClusterFixture.CreateDatabaseAsync(cluster.Nodes[i], $"hint-{run}-{hint}-{i}", hint, ct);
                var (status, body) = await cluster.Nodes[(i + 1) % 3].QueryAsync(uuid, "SELECT 1 AS one", null, ct);
                Assert.True(status == 200, body.ToString());
                var meta = body.GetProperty("result")[0].GetProperty("meta");
                Assert.Equal(hint.ToUpperInvariant(), meta.GetProperty("served_by_region").GetString());
                Assert.Equal(node, meta.GetProperty("served_by_colo").GetString());
            }
    }
}
