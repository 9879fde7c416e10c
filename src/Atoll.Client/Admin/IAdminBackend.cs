namespace Atoll.Client.Admin;

/// <summary>An <see cref="IAtollAdmin"/> that can also open its databases with create-on-first-use, for <see cref="TenantDatabases"/>.</summary>
internal interface IAdminBackend : IAtollAdmin, IDisposable
{
    /// <summary>Opens a database; with <paramref name="createIfMissing"/> it is created on first use.</summary>
    ID1Database Open(string uuidOrName, bool createIfMissing);

    /// <summary>Creates the database unless it exists (a concurrent creation counts as existing).</summary>
    Task EnsureAsync(string name, CancellationToken cancellationToken);
}
