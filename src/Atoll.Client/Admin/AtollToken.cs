namespace Atoll.Client.Admin;

/// <summary>An API token of an account.</summary>
/// <param name="Id">The token's id (used to revoke it).</param>
/// <param name="Name">The name given at creation.</param>
/// <param name="Permission"><c>read</c> (read-only SQL) or <c>edit</c>.</param>
/// <param name="Databases">The uuids of the databases it may use; null for all of the account's.</param>
/// <param name="IssuedOn">When it was created.</param>
/// <param name="Value">The secret, only in the answer to its creation (the server keeps a hash).</param>
public sealed record AtollToken(string Id, string Name, string Permission, IReadOnlyList<string>? Databases, DateTimeOffset IssuedOn, string? Value);
