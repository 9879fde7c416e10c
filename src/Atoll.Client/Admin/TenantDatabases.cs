using System.Collections.Concurrent;

namespace Atoll.Client.Admin;

/// <summary>One database per tenant, named prefix + tenant, opened once and kept.</summary>
internal sealed class TenantDatabases(IAdminBackend admin, AtollAdminOptions options) : ITenantDatabases, IDisposable
{
    readonly ConcurrentDictionary<string, ID1Database> _open = new(StringComparer.Ordinal);

    public async ValueTask<ID1Database> GetAsync(string tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (_open.TryGetValue(tenant, out var known)) return known;
        var name = options.TenantDatabasePrefix + tenant;
        if (!Atoll.Engine.DatabaseName.IsValid(name))
            throw new ArgumentException($"Tenant '{tenant}' gives the database name '{name}', which is not valid: {Atoll.Engine.DatabaseName.Rule}", nameof(tenant));
        if (options.CreateTenantDatabases) await admin.EnsureAsync(name, cancellationToken).ConfigureAwait(false);
        else if (await admin.GetDatabaseAsync(name, cancellationToken).ConfigureAwait(false) is null)
            throw new D1Exception(D1ErrorCodes.Error, $"No database '{name}' for tenant '{tenant}' (AtollAdmin:CreateTenantDatabases is off)", 7404);
        var database = admin.Open(name, createIfMissing: options.CreateTenantDatabases);
        var winner = _open.GetOrAdd(tenant, database);
        if (!ReferenceEquals(winner, database)) database.Dispose();
        return winner;
    }

    public void Dispose()
    {
        foreach (var database in _open.Values) database.Dispose();
        _open.Clear();
    }
}
