using Npgsql;

namespace Atoll.Cluster.Tests;

/// <summary>
/// A node's catalog mirror hears of a delete made on another node within its bound, not at once. A request that passes a
/// stale mirror in that window reaches the database's grain, which must not open (and so re-create) the deleted database.
/// </summary>
[Collection("cluster")]
public sealed class DeletedDatabaseTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_database_gone_from_the_catalog_store_is_not_opened_where_a_mirror_still_lists_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var through = cluster.Nodes[0];
        // Created, never opened: its first query activates its grain (on whichever node placement picks).
        var uuid = await ClusterFixture.CreateDatabaseAsync(through, $"gone-{Guid.NewGuid():N}"[..30], null, ct);

        // The row leaves PostgreSQL without the change record a delete writes: every node's mirror keeps listing it, as
        // a mirror does for a moment after a real delete elsewhere (made deterministic here).
        await using (var postgres = new NpgsqlConnection(cluster.PostgresConnectionString))
        {
            await postgres.OpenAsync(ct);
            await using var delete = new NpgsqlCommand("DELETE FROM databases WHERE uuid = @uuid", postgres);
            delete.Parameters.AddWithValue("uuid", uuid);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync(ct));
        }

        foreach (var node in cluster.Nodes)
        {
            var (status, body) = await node.QueryAsync(uuid, "SELECT 1 AS one", null, ct);
            // Opened from the stale mirror, this would be a new empty database answering 200.
            Assert.True(status == 404, $"{node.Name}: {status} {body}\n{cluster.Logs()}");
            Assert.Equal(7404, body.GetProperty("errors")[0].GetProperty("code").GetInt32());
        }
    }
}
