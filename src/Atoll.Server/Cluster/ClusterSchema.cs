using Atoll.Server.Catalog;
using Npgsql;

namespace Atoll.Server.Cluster;

/// <summary>
/// Creates what the cluster keeps in PostgreSQL: Orleans' membership tables and queries (the AdoNet clustering scripts of
/// Orleans 10.4.2, vendored under <c>Cluster/Sql/</c>) and Atoll's catalog, change feed and fence tables.
/// </summary>
/// <remarks>
/// Idempotent and safe to run from every node at once: one transaction under a PostgreSQL advisory lock, so nodes starting
/// together apply it one after the other and the later ones find it done. Orleans' scripts are not re-runnable; they are
/// applied only when their <c>OrleansQuery</c> table is missing.
/// </remarks>
public static class ClusterSchema
{
    /// <summary>The advisory lock key schema changes take (ASCII "AtollSch").</summary>
    const long SchemaLock = 0x41746f6c6c536368;

    /// <summary>Applies whatever is missing to the database <paramref name="connectionString"/> names.</summary>
    public static async Task EnsureAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", SchemaLock);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var probe = new NpgsqlCommand("SELECT to_regclass('orleansquery') IS NULL", connection, transaction))
        {
            if ((bool)(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                await RunAsync("PostgreSQL-Main.sql", connection, transaction, cancellationToken).ConfigureAwait(false);
                await RunAsync("PostgreSQL-Clustering.sql", connection, transaction, cancellationToken).ConfigureAwait(false);
            }
        }
        await using (var catalog = new NpgsqlCommand(CatalogRows.Schema, connection, transaction))
            await catalog.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await RunAsync("Atoll-Cluster.sql", connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    static async Task RunAsync(string script, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Script(script), connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The text of one of the embedded scripts.</summary>
    internal static string Script(string name)
    {
        using var stream = typeof(ClusterSchema).Assembly.GetManifestResourceStream($"cluster-sql/{name}")
            ?? throw new InvalidOperationException($"the embedded script cluster-sql/{name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
