using Atoll.Server.Catalog;
using Atoll.Server.Cluster;
using Atoll.Server.Tests.Catalog;
using Atoll.Tests;
using Npgsql;

namespace Atoll.Server.Tests.Cluster;

/// <summary>The catalog contract on the cluster catalog: a real PostgreSQL (one server per class, a database per test).</summary>
public sealed class PostgresCatalogTests(PostgresServer postgres) : CatalogContract, IClassFixture<PostgresServer>, IAsyncLifetime
{
    NpgsqlDataSource? _source;

    public async ValueTask InitializeAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("catalog");
        await ClusterSchema.EnsureAsync(connectionString, Ct);
        _source = NpgsqlDataSource.Create(connectionString);
    }

    protected override ValueTask<ICatalog> OpenAsync() => ValueTask.FromResult<ICatalog>(new PostgresCatalog(_source!));

    public async ValueTask DisposeAsync()
    {
        if (_source is not null) await _source.DisposeAsync();
    }
}
