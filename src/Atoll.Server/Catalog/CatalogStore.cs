using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Atoll.Engine;
using Microsoft.Data.Sqlite;

namespace Atoll.Server.Catalog;

/// <summary>
/// Accounts, databases and API tokens, kept in <c>catalog.db</c> and mirrored in memory so that every
/// request's authentication and name lookup costs no I/O.
/// </summary>
/// <remarks>Thread-safe: writes are serialised and update the mirror after they commit.</remarks>
public sealed class CatalogStore : IDisposable
{
    const string Schema = """
        CREATE TABLE IF NOT EXISTS accounts(id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS databases(
            uuid TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), name TEXT NOT NULL, created_at TEXT NOT NULL,
            read_replication TEXT NOT NULL DEFAULT 'disabled', location_hint TEXT, jurisdiction TEXT,
            num_tables INTEGER NOT NULL DEFAULT 0, file_size INTEGER NOT NULL DEFAULT 0, UNIQUE(account_id, name));
        CREATE TABLE IF NOT EXISTS tokens(
            id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
            permission TEXT NOT NULL, databases TEXT, is_admin INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
        """;

    readonly SqliteConnection _connection;
    readonly Lock _writes = new();
    readonly ConcurrentDictionary<string, Account> _accounts = new();
    readonly ConcurrentDictionary<string, DatabaseRecord> _databases = new(StringComparer.OrdinalIgnoreCase);
    readonly ConcurrentDictionary<string, ApiToken> _tokensByHash = new();

    /// <summary>Opens (creating if needed) the catalog in <paramref name="dataDirectory"/> and loads it into memory.</summary>
    public CatalogStore(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        _connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "catalog.db")};Pooling=False");
        _connection.Open();
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        Exec(Schema);
        Load();
    }

    /// <summary>Creates the default account and admin token on first start, or re-keys the admin token when one is given.</summary>
    /// <returns>The admin token's value when it was generated now; null otherwise.</returns>
    public (Account Account, string? GeneratedToken) Bootstrap(string defaultAccountName, string? adminToken)
    {
        lock (_writes)
        {
            var account = _accounts.Values.OrderBy(a => a.CreatedAt).FirstOrDefault() ?? CreateAccount(defaultAccountName);
            var admin = _tokensByHash.Values.FirstOrDefault(t => t.IsAdmin);
            string? generated = null;
            if (adminToken is not null)
            {
                if (admin is null || admin.Hash != Hash(adminToken))
                {
                    if (admin is not null) DeleteToken(admin);
                    InsertToken(account.Id, "admin", adminToken, TokenPermission.Edit, null, isAdmin: true);
                }
            }
            else if (admin is null)
            {
                generated = NewSecret();
                InsertToken(account.Id, "admin", generated, TokenPermission.Edit, null, isAdmin: true);
            }
            return (account, generated);
        }
    }

    /// <summary>The token with this secret value, or null.</summary>
    public ApiToken? FindToken(string value) => _tokensByHash.GetValueOrDefault(Hash(value));

    /// <summary>The account with this id, or null.</summary>
    public Account? FindAccount(string id) => _accounts.GetValueOrDefault(id);

    /// <summary>Every account the token may see.</summary>
    public IReadOnlyList<Account> Accounts(ApiToken token)
        => [.. _accounts.Values.Where(a => token.CanUseAccount(a.Id)).OrderBy(a => a.CreatedAt).ThenBy(a => a.Id)];

    /// <summary>Creates an account.</summary>
    public Account CreateAccount(string name)
    {
        lock (_writes)
        {
            var account = new Account(RandomNumberGenerator.GetHexString(32, lowercase: true), name, DateTimeOffset.UtcNow);
            Exec("INSERT INTO accounts(id, name, created_at) VALUES ($id, $name, $at)",
                ("$id", account.Id), ("$name", name), ("$at", account.CreatedAt.ToString("O")));
            _accounts[account.Id] = account;
            return account;
        }
    }

    /// <summary>The account's databases ordered by creation, optionally those whose name contains <paramref name="nameFilter"/>.</summary>
    public IReadOnlyList<DatabaseRecord> Databases(string accountId, string? nameFilter = null)
        => [.. _databases.Values
            .Where(d => d.AccountId == accountId && (nameFilter is null || d.Name.Contains(nameFilter, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Uuid)];

    /// <summary>The account's database with this uuid or name, or null.</summary>
    public DatabaseRecord? FindDatabase(string accountId, string uuidOrName)
    {
        if (_databases.TryGetValue(uuidOrName, out var byId) && byId.AccountId == accountId) return byId;
        return _databases.Values.FirstOrDefault(d => d.AccountId == accountId && d.Name == uuidOrName);
    }

    /// <summary>The database with this uuid in any account, or null.</summary>
    public DatabaseRecord? FindDatabase(string uuid) => _databases.GetValueOrDefault(uuid);

    /// <summary>Adds a database to the account.</summary>
    /// <exception cref="D1Exception">The name is taken (7502) or malformed (7400).</exception>
    public DatabaseRecord CreateDatabase(string accountId, string name, string? locationHint, string? jurisdiction, string readReplication)
    {
        lock (_writes)
        {
            if (_databases.Values.Any(d => d.AccountId == accountId && d.Name == name))
                throw new D1Exception(D1ErrorCode.DuplicateName, "A database with that name already exists");
            var record = new DatabaseRecord(Guid.NewGuid().ToString(), accountId, name, DateTimeOffset.UtcNow, readReplication,
                locationHint, jurisdiction, 0, 0);
            Exec("""
                INSERT INTO databases(uuid, account_id, name, created_at, read_replication, location_hint, jurisdiction)
                VALUES ($uuid, $account, $name, $at, $replication, $hint, $jurisdiction)
                """, ("$uuid", record.Uuid), ("$account", accountId), ("$name", name), ("$at", record.CreatedAt.ToString("O")),
                ("$replication", readReplication), ("$hint", locationHint), ("$jurisdiction", jurisdiction));
            _databases[record.Uuid] = record;
            return record;
        }
    }

    /// <summary>Sets the database's read replication mode.</summary>
    public DatabaseRecord UpdateReadReplication(DatabaseRecord record, string mode)
    {
        lock (_writes)
        {
            Exec("UPDATE databases SET read_replication = $mode WHERE uuid = $uuid", ("$mode", mode), ("$uuid", record.Uuid));
            return _databases[record.Uuid] = record with { ReadReplication = mode };
        }
    }

    /// <summary>Records the figures the database's grain last measured.</summary>
    public void UpdateStats(string uuid, DatabaseStats stats)
    {
        lock (_writes)
        {
            if (!_databases.TryGetValue(uuid, out var record)) return;
            if (record.NumTables == stats.NumTables && record.FileSize == stats.FileSize) return;
            Exec("UPDATE databases SET num_tables = $n, file_size = $size WHERE uuid = $uuid",
                ("$n", stats.NumTables), ("$size", stats.FileSize), ("$uuid", uuid));
            _databases[uuid] = record with { NumTables = stats.NumTables, FileSize = stats.FileSize };
        }
    }

    /// <summary>Removes the database from the catalog; its files are the grain's to delete.</summary>
    public void DeleteDatabase(DatabaseRecord record)
    {
        lock (_writes)
        {
            Exec("DELETE FROM databases WHERE uuid = $uuid", ("$uuid", record.Uuid));
            _databases.TryRemove(record.Uuid, out _);
        }
    }

    /// <summary>Issues a token for the account; the secret value is returned once and stored only as a hash.</summary>
    public (ApiToken Token, string Value) CreateToken(string accountId, string name, TokenPermission permission, IReadOnlyList<string>? databases)
    {
        lock (_writes)
        {
            var value = NewSecret();
            return (InsertToken(accountId, name, value, permission, databases, isAdmin: false), value);
        }
    }

    /// <summary>The account's tokens (not the admin's).</summary>
    public IReadOnlyList<ApiToken> Tokens(string accountId)
        => [.. _tokensByHash.Values.Where(t => t.AccountId == accountId && !t.IsAdmin).OrderBy(t => t.CreatedAt)];

    /// <summary>Revokes a token; false when the account has no token with that id.</summary>
    public bool RevokeToken(string accountId, string tokenId)
    {
        lock (_writes)
        {
            var token = _tokensByHash.Values.FirstOrDefault(t => t.Id == tokenId && t.AccountId == accountId && !t.IsAdmin);
            if (token is null) return false;
            DeleteToken(token);
            return true;
        }
    }

    ApiToken InsertToken(string accountId, string name, string value, TokenPermission permission, IReadOnlyList<string>? databases, bool isAdmin)
    {
        var token = new ApiToken(RandomNumberGenerator.GetHexString(32, lowercase: true), accountId, name, Hash(value), permission,
            databases, isAdmin, DateTimeOffset.UtcNow);
        Exec("""
            INSERT INTO tokens(id, account_id, name, hash, permission, databases, is_admin, created_at)
            VALUES ($id, $account, $name, $hash, $permission, $databases, $admin, $at)
            """, ("$id", token.Id), ("$account", accountId), ("$name", name), ("$hash", token.Hash),
            ("$permission", permission.ToString().ToLowerInvariant()),
            ("$databases", databases is null ? null : JsonSerializer.Serialize(databases, CatalogJson.Default.IReadOnlyListString)),
            ("$admin", isAdmin ? 1 : 0), ("$at", token.CreatedAt.ToString("O")));
        _tokensByHash[token.Hash] = token;
        return token;
    }

    void DeleteToken(ApiToken token)
    {
        Exec("DELETE FROM tokens WHERE id = $id", ("$id", token.Id));
        _tokensByHash.TryRemove(token.Hash, out _);
    }

    void Load()
    {
        using (var reader = Query("SELECT id, name, created_at FROM accounts"))
            while (reader.Read())
                _accounts[reader.GetString(0)] = new Account(reader.GetString(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2)));
        using (var reader = Query("""
            SELECT uuid, account_id, name, created_at, read_replication, location_hint, jurisdiction, num_tables, file_size FROM databases
            """))
            while (reader.Read())
                _databases[reader.GetString(0)] = new DatabaseRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    DateTimeOffset.Parse(reader.GetString(3)), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetInt32(7), reader.GetInt64(8));
        using (var reader = Query("SELECT id, account_id, name, hash, permission, databases, is_admin, created_at FROM tokens"))
            while (reader.Read())
            {
                var databases = reader.IsDBNull(5) ? null
                    : JsonSerializer.Deserialize(reader.GetString(5), CatalogJson.Default.IReadOnlyListString);
                var token = new ApiToken(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    Enum.Parse<TokenPermission>(reader.GetString(4), ignoreCase: true), databases, reader.GetInt32(6) != 0,
                    DateTimeOffset.Parse(reader.GetString(7)));
                _tokensByHash[token.Hash] = token;
            }
    }

    /// <summary>Tokens are 40 URL-safe characters, like Cloudflare's.</summary>
    static string NewSecret() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", 40);

    static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    void Exec(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    SqliteDataReader Query(string sql)
    {
        var command = _connection.CreateCommand(); // owned by the reader: disposing it here would close the reader
        command.CommandText = sql;
        return command.ExecuteReader();
    }

    /// <summary>Closes the catalog file.</summary>
    public void Dispose() => _connection.Dispose();
}
