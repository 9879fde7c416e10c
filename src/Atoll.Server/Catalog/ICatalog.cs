using Atoll.Engine;

namespace Atoll.Server.Catalog;

/// <summary>
/// Accounts, databases, API tokens and the figures each database last reported: the seam between the API and wherever the
/// catalog lives. <see cref="SqliteCatalog"/> is the single-node implementation; a cluster supplies a shared one.
/// </summary>
/// <remarks>
/// The catalog owns the naming rule (<see cref="DatabaseName"/>): no database gets into it under an invalid name, whichever
/// API creates it. Lookups by uuid, by (account, name) and by token value are O(1). Methods are asynchronous because a shared
/// catalog answers over the network; the single-node one completes synchronously from its in-memory mirror.
/// </remarks>
public interface ICatalog
{
    /// <summary>Creates the default account and admin token on first start, or re-keys the admin token when one is given.</summary>
    /// <returns>The default account, and the admin token's value when it was generated now (null otherwise).</returns>
    ValueTask<(Account Account, string? GeneratedToken)> BootstrapAsync(string defaultAccountName, string? adminToken,
        CancellationToken cancellationToken = default);

    /// <summary>The token with this secret value, or null.</summary>
    ValueTask<ApiToken?> FindTokenAsync(string value, CancellationToken cancellationToken = default);

    /// <summary>Issues a token for the account; the secret value is returned once and stored only as a hash.</summary>
    ValueTask<(ApiToken Token, string Value)> CreateTokenAsync(string accountId, string name, TokenPermission permission,
        IReadOnlyList<string>? databases, CancellationToken cancellationToken = default);

    /// <summary>The account's tokens (not the admin's), oldest first.</summary>
    ValueTask<IReadOnlyList<ApiToken>> TokensAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>Revokes a token; false when the account has no such token. Idempotent.</summary>
    ValueTask<bool> RevokeTokenAsync(string accountId, string tokenId, CancellationToken cancellationToken = default);

    /// <summary>The account with this id, or null.</summary>
    ValueTask<Account?> FindAccountAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every account the token may see, oldest first.</summary>
    ValueTask<IReadOnlyList<Account>> AccountsAsync(ApiToken token, CancellationToken cancellationToken = default);

    /// <summary>Creates an account.</summary>
    ValueTask<Account> CreateAccountAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The account's databases oldest first, optionally those whose name contains <paramref name="nameFilter"/>.</summary>
    ValueTask<IReadOnlyList<DatabaseRecord>> DatabasesAsync(string accountId, string? nameFilter = null, CancellationToken cancellationToken = default);

    /// <summary>The account's database with this uuid or name, or null.</summary>
    ValueTask<DatabaseRecord?> FindDatabaseAsync(string accountId, string uuidOrName, CancellationToken cancellationToken = default);

    /// <summary>The database with this uuid in any account, or null.</summary>
    ValueTask<DatabaseRecord?> FindDatabaseByUuidAsync(string uuid, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="FindDatabaseByUuidAsync"/> from the catalog's store itself, never from a copy that may lag a change made
    /// on another node: for a decision a just-deleted database must not pass (opening its file).
    /// </summary>
    ValueTask<DatabaseRecord?> ReadDatabaseByUuidAsync(string uuid, CancellationToken cancellationToken = default);

    /// <summary>Adds a database to the account under <paramref name="name"/>.</summary>
    /// <exception cref="D1Exception">The name is not valid (7400, <see cref="DatabaseName.Rule"/>) or taken (7502).</exception>
    ValueTask<DatabaseRecord> CreateDatabaseAsync(string accountId, string name, DatabasePlacement placement,
        CancellationToken cancellationToken = default);

    /// <summary>Sets the database's read replication mode.</summary>
    ValueTask<DatabaseRecord> UpdateReadReplicationAsync(DatabaseRecord record, string mode, CancellationToken cancellationToken = default);

    /// <summary>Records the figures the database's grain last measured; nothing when the database is gone.</summary>
    ValueTask UpdateStatsAsync(string uuid, DatabaseStats stats, CancellationToken cancellationToken = default);

    /// <summary>Removes the database from the catalog (its files are the grain's to delete). Idempotent.</summary>
    ValueTask DeleteDatabaseAsync(DatabaseRecord record, CancellationToken cancellationToken = default);
}
