namespace Atoll.Client;

/// <summary>A database as <see cref="IAtollAdmin"/> describes it (D1's database object).</summary>
/// <param name="Uuid">The database's id.</param>
/// <param name="Name">The database's name, unique in its account (or data directory).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="NumTables">User tables, when measured.</param>
/// <param name="FileSize">Size in bytes, when measured.</param>
/// <seealso href="https://developers.cloudflare.com/api/resources/d1/subresources/database/methods/get/"/>
public sealed record D1DatabaseInfo(string Uuid, string Name, DateTimeOffset CreatedAt, int? NumTables = null, long? FileSize = null);
