namespace Atoll.Client;

/// <summary>One database per tenant: resolves a tenant's name to its <see cref="ID1Database"/>, creating the database on first use when configured.</summary>
public interface ITenantDatabases
{
    /// <summary>The tenant's database (named <see cref="AtollAdminOptions.TenantDatabasePrefix"/> + <paramref name="tenant"/>); the same instance on every call.</summary>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is not a valid database name part.</exception>
    /// <exception cref="D1Exception">The database does not exist and <see cref="AtollAdminOptions.CreateTenantDatabases"/> is off, or the server could not be reached.</exception>
    ValueTask<ID1Database> GetAsync(string tenant, CancellationToken cancellationToken = default);
}
