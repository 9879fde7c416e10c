using Atoll.Engine.Storage;
using Atoll.Server.Catalog;
using Atoll.Server.Storage;
using Atoll.Server.Transfers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Atoll.Server.Cluster;

/// <summary>
/// Cluster mode's shared store: PostgreSQL holds the catalog (<see cref="PostgresCatalog"/>) and the ownership fence
/// (<see cref="PostgresOwnershipFence"/>), the transfer URLs' secret (<see cref="PostgresTransferSecret"/>) and finished
/// transfer jobs' outcomes (<see cref="PostgresTransferOutcomes"/>) next to
/// Orleans' membership tables; the shared object store holds the logs and snapshots.
/// </summary>
public static class ClusterStore
{
    /// <summary>
    /// Replaces the single-node catalog, fence, transfer signer and transfer outcomes with the PostgreSQL ones on <paramref name="connectionString"/>.
    /// Call it after the single-node registrations (it removes the <see cref="ICatalog"/> and <see cref="TransferSigner"/> registered before it). The schema
    /// (<see cref="ClusterSchema"/>, Orleans' membership tables included) is applied when the catalog is first resolved —
    /// at start-up, before the silo starts, because the server bootstraps its catalog before it runs.
    /// </summary>
    /// <param name="services">The node's services.</param>
    /// <param name="connectionString">An Npgsql connection string to the cluster's database.</param>
    /// <param name="catalog">How closely the catalog mirror follows PostgreSQL; null for the defaults (1 s poll, 3 s stale).</param>
    public static IServiceCollection AddPostgresClusterStore(this IServiceCollection services, string connectionString,
        PostgresCatalogOptions? catalog = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.AddSingleton(_ =>
        {
            ClusterSchema.EnsureAsync(connectionString).GetAwaiter().GetResult();
            return new ClusterDataSource(NpgsqlDataSource.Create(connectionString));
        });
        services.RemoveAll<ICatalog>();
        services.AddSingleton<ICatalog>(sp => new PostgresCatalog(sp.GetRequiredService<ClusterDataSource>().Source, catalog,
            sp.GetService<ILogger<PostgresCatalog>>(), sp.GetService<TimeProvider>()));
        services.RemoveAll<IOwnershipFence>();
        services.AddSingleton<IOwnershipFence>(sp => new PostgresOwnershipFence(sp.GetRequiredService<ClusterDataSource>().Source,
            sp.GetService<ObjectStoreHolder>()?.Store ?? throw new InvalidOperationException(
                "Cluster mode needs a shared object store for the databases' logs (Atoll:ObjectStore:Kind = S3, or a folder every node shares).")));
        services.RemoveAll<ITransferOutcomes>();
        services.AddSingleton<ITransferOutcomes>(sp => new PostgresTransferOutcomes(sp.GetRequiredService<ClusterDataSource>().Source));
        services.RemoveAll<TransferSigner>();
        services.AddSingleton(sp => new TransferSigner(
            PostgresTransferSecret.LoadAsync(sp.GetRequiredService<ClusterDataSource>().Source).GetAwaiter().GetResult(), // at start-up (AtollApp)
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }

    /// <summary>The cluster database's connection pool, disposed with the container.</summary>
    sealed record ClusterDataSource(NpgsqlDataSource Source) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Source.DisposeAsync();
    }
}
