using Atoll.Server.Cluster;
using Atoll.Tests;
using Npgsql;

namespace Atoll.Server.Tests.Cluster;

/// <summary>The cluster schema on a real PostgreSQL: nodes starting together apply it once, and it is re-runnable.</summary>
public sealed class ClusterSchemaTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_nodes_starting_together_apply_it_once_and_a_restart_changes_nothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ClusterSchema.EnsureAsync(connectionString, Ct)));
        await ClusterSchema.EnsureAsync(connectionString, Ct);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        // Orleans' AdoNet clustering finds its queries by key; each once (a second run of its script would have failed).
        await using var queries = new NpgsqlCommand("SELECT querykey, count(*) FROM orleansquery GROUP BY querykey ORDER BY querykey", connection);
        var keys = new List<(string, long)>();
        await using (var reader = await queries.ExecuteReaderAsync(Ct))
            while (await reader.ReadAsync(Ct)) keys.Add((reader.GetString(0), reader.GetInt64(1)));
        Assert.Contains(("InsertMembershipKey", 1L), keys);
        Assert.Contains(("CleanupDefunctSiloEntriesKey", 1L), keys);
        Assert.All(keys, k => Assert.Equal(1L, k.Item2));
        // 10.4.2 does not send @MetadataJson: the vendored scripts must not bind it.
        await using var metadata = new NpgsqlCommand("SELECT count(*) FROM orleansquery WHERE querytext ILIKE '%MetadataJson%'", connection);
        Assert.Equal(0L, await metadata.ExecuteScalarAsync(Ct));
        foreach (var table in new[] { "accounts", "databases", "tokens", "catalog_changes", "fence_owners", "fence_entries", "orleansmembershiptable" })
        {
            await using var exists = new NpgsqlCommand($"SELECT to_regclass('{table}') IS NOT NULL", connection);
            Assert.True((bool)(await exists.ExecuteScalarAsync(Ct))!, $"table {table} is missing");
        }
    }
}
