namespace Atoll.Client;

/// <summary>
/// Creates, lists, finds and deletes databases at run time — over the REST API of an Atoll server, or in an embedded data
/// directory — for the database-per-tenant pattern that D1's static bindings make hard. See also <see cref="ITenantDatabases"/>.
/// </summary>
/// <seealso href="https://developers.cloudflare.com/api/resources/d1/subresources/database/"/>
public interface IAtollAdmin
{
    /// <summary>Creates a database named <paramref name="name"/> (letters, digits, <c>_</c> and <c>-</c>, starting with a letter or digit).</summary>
    /// <exception cref="D1Exception">The name is taken (API code 7502) or not valid (7400), or the server could not be reached.</exception>
    Task<D1DatabaseInfo> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every database, oldest first.</summary>
    /// <exception cref="D1Exception">The server could not be reached or refused the token.</exception>
    Task<IReadOnlyList<D1DatabaseInfo>> ListDatabasesAsync(CancellationToken cancellationToken = default);

    /// <summary>The database with this uuid or name, measured now; null when there is none.</summary>
    /// <exception cref="D1Exception">The server could not be reached or refused the token.</exception>
    Task<D1DatabaseInfo?> GetDatabaseAsync(string uuidOrName, CancellationToken cancellationToken = default);

    /// <summary>Deletes the database with this uuid or name and its data; false when there was none.</summary>
    /// <exception cref="D1Exception">The server could not be reached or refused the token.</exception>
    Task<bool> DeleteDatabaseAsync(string uuidOrName, CancellationToken cancellationToken = default);

    /// <summary>Opens the database with this uuid or name through the same connection settings (it must exist).</summary>
    ID1Database Open(string uuidOrName);
}
