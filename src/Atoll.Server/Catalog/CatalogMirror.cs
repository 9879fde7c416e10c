using System.Collections.Concurrent;

namespace Atoll.Server.Catalog;

/// <summary>
/// The in-memory copy of a catalog that every request reads: accounts by id, databases by uuid (any case) and by
/// (account, name), tokens by hash and by id. Both catalogs keep one; each decides when its entries change.
/// </summary>
/// <remarks>Thread-safe for readers; writers (a catalog's serialised writes, a cluster catalog's refresh) update it after the store committed.</remarks>
internal sealed class CatalogMirror
{
    readonly ConcurrentDictionary<string, Account> _accounts = new();
    readonly ConcurrentDictionary<string, DatabaseRecord> _databases = new(StringComparer.OrdinalIgnoreCase);
    readonly ConcurrentDictionary<(string AccountId, string Name), DatabaseRecord> _databasesByName = new();
    readonly ConcurrentDictionary<string, ApiToken> _tokensByHash = new();
    readonly ConcurrentDictionary<string, ApiToken> _tokensById = new();

    /// <summary>The oldest account (the default one), or null before the first.</summary>
    public Account? OldestAccount => _accounts.Values.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).FirstOrDefault();

    /// <summary>The admin token, or null.</summary>
    public ApiToken? AdminToken => _tokensByHash.Values.FirstOrDefault(t => t.IsAdmin);

    public Account? Account(string id) => _accounts.GetValueOrDefault(id);

    public IReadOnlyList<Account> Accounts(ApiToken token)
        => [.. _accounts.Values.Where(a => token.CanUseAccount(a.Id)).OrderBy(a => a.CreatedAt).ThenBy(a => a.Id)];

    public IReadOnlyList<DatabaseRecord> Databases(string accountId, string? nameFilter)
        => [.. _databases.Values
            .Where(d => d.AccountId == accountId && (nameFilter is null || d.Name.Contains(nameFilter, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Uuid)];

    /// <summary>The account's database with this uuid or name, or null.</summary>
    public DatabaseRecord? Database(string accountId, string uuidOrName)
    {
        if (_databases.TryGetValue(uuidOrName, out var byId) && byId.AccountId == accountId) return byId;
        return _databasesByName.GetValueOrDefault((accountId, uuidOrName));
    }

    public DatabaseRecord? DatabaseByUuid(string uuid) => _databases.GetValueOrDefault(uuid);

    public bool HasDatabaseNamed(string accountId, string name) => _databasesByName.ContainsKey((accountId, name));

    public ApiToken? TokenByHash(string hash) => _tokensByHash.GetValueOrDefault(hash);

    public ApiToken? TokenById(string id) => _tokensById.GetValueOrDefault(id);

    /// <summary>The account's tokens (not the admin's), oldest first.</summary>
    public IReadOnlyList<ApiToken> Tokens(string accountId)
        => [.. _tokensByHash.Values.Where(t => t.AccountId == accountId && !t.IsAdmin).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id)];

    public Account Remember(Account account) => _accounts[account.Id] = account;

    public DatabaseRecord Remember(DatabaseRecord record)
    {
        // 100,000 records share their account's id string instead of a copy each.
        if (_accounts.TryGetValue(record.AccountId, out var account) && !ReferenceEquals(account.Id, record.AccountId))
            record = record with { AccountId = account.Id };
        // A rename is not possible today, but a record replaced under another name must not leave the old name answering.
        if (_databases.TryGetValue(record.Uuid, out var previous) && previous.Name != record.Name)
            _databasesByName.TryRemove((previous.AccountId, previous.Name), out _);
        _databases[record.Uuid] = record;
        _databasesByName[(record.AccountId, record.Name)] = record;
        return record;
    }

    public ApiToken Remember(ApiToken token)
    {
        if (_tokensById.TryGetValue(token.Id, out var previous) && previous.Hash != token.Hash) _tokensByHash.TryRemove(previous.Hash, out _);
        _tokensByHash[token.Hash] = token;
        _tokensById[token.Id] = token;
        return token;
    }

    public void ForgetAccount(string id) => _accounts.TryRemove(id, out _);

    public void ForgetDatabase(string uuid)
    {
        if (_databases.TryRemove(uuid, out var removed)) _databasesByName.TryRemove((removed.AccountId, removed.Name), out _);
    }

    public void ForgetToken(string id)
    {
        if (_tokensById.TryRemove(id, out var removed)) _tokensByHash.TryRemove(removed.Hash, out _);
    }

    /// <summary>Replaces everything with <paramref name="other"/>'s entries (a full reload that was built aside).</summary>
    public void ReplaceWith(CatalogMirror other)
    {
        foreach (var id in _accounts.Keys.Except(other._accounts.Keys)) ForgetAccount(id);
        foreach (var uuid in _databases.Keys.Except(other._databases.Keys, StringComparer.OrdinalIgnoreCase)) ForgetDatabase(uuid);
        foreach (var id in _tokensById.Keys.Except(other._tokensById.Keys)) ForgetToken(id);
        foreach (var account in other._accounts.Values) Remember(account);
        foreach (var record in other._databases.Values) Remember(record);
        foreach (var token in other._tokensById.Values) Remember(token);
    }
}
