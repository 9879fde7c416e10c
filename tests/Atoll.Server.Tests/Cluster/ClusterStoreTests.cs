using Atoll.Engine.Storage;
using Atoll.Server.Catalog;
using Atoll.Server.Cluster;
using Atoll.Server.Storage;
using Atoll.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace Atoll.Server.Tests.Cluster;

/// <summary>The registration a cluster node calls: it replaces the single-node catalog, adds the fence, applies the schema.</summary>
public sealed class ClusterStoreTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IDisposable
{
    readonly TempDataDirectory _data = new();
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddPostgresClusterStore_replaces_the_catalog_and_registers_the_fence_on_the_shared_store()
    {
        var connectionString = await postgres.CreateDatabaseAsync("store");
        var services = new ServiceCollection();
        services.AddSingleton<ICatalog>(_ => new SqliteCatalog(_data.Path)); // what the single-node server registers first
        services.AddSingleton(new ObjectStoreHolder(new FileSystemObjectStore(Path.Combine(_data.Path, "objects"))));
        services.AddPostgresClusterStore(connectionString);
        await using var provider = services.BuildServiceProvider();

        var catalog = Assert.IsType<PostgresCatalog>(provider.GetRequiredService<ICatalog>()); // resolving applied the schema
        var (account, _) = await catalog.BootstrapAsync("default", "admin-token-0123456789", Ct);
        Assert.Equal("default", account.Name);
        var fence = Assert.IsType<PostgresOwnershipFence>(provider.GetRequiredService<IOwnershipFence>());
        var epoch = await fence.ClaimAsync("databases/d/", Ct);
        Assert.True(await fence.PublishAsync("databases/d/log/0000000000000001.entry", new byte[] { 1 }, epoch, Ct));
        Assert.False(File.Exists(Path.Combine(_data.Path, "catalog.db"))); // the single-node catalog was never opened
    }

    [Fact]
    public async Task Without_an_object_store_the_fence_says_what_is_missing()
    {
        var connectionString = await postgres.CreateDatabaseAsync("nostore");
        var services = new ServiceCollection();
        services.AddPostgresClusterStore(connectionString);
        await using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOwnershipFence>());
        Assert.Contains("shared object store", error.Message);
    }

    public void Dispose() => _data.Dispose();
}
