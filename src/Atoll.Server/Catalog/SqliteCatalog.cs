using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Atoll.Engine;
using Microsoft.Data.Sqlite;

namespace Atoll.Server.Catalog;

/// <summary>
/// The single-node <see cref="ICatalog"/>: accounts, databases and API tokens kept in <c>catalog.db</c> and mirrored in memory,
/// indexed by uuid, by (account, name) and by token hash, so every request's authentication and lookup costs no I/O.
/// </summary>
/// <remarks>
/// Thread-safe: writes are serialised and update the mirror after they commit. Every method but
/// <see cref="CreateDatabaseAsync"/> (which may wait for its batch's commit) completes synchronously.
/// </remarks>
public sealed class SqliteCatalog : ICatalog, IDisposable
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
    readonly ConcurrentDictionary<(string AccountId, string Name), DatabaseRecord> _databasesByName = new();
    readonly ConcurrentDictionary<string, ApiToken> _tokensByHash = new();
    readonly ConcurrentDictionary<string, ApiToken> _tokensById = new();
    readonly HashSet<(string AccountId, string Name)> _pendingNames = []; // created, not yet committed (under _writes)
    readonly SemaphoreSlim _commitTurn = new(1, 1);
    InsertBatch _openBatch = new();

    /// <summary>Opens (creating if needed) the catalog in <paramref name="dataDirectory"/> and loads it into memory.</summary>
    public SqliteCatalog(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        _connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "catalog.db")};Pooling=False");
        _connection.Open();
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        Exec(Schema);
        Load();
    }

    /// <inheritdoc/>
    public ValueTask<(Account Account, string? GeneratedToken)> BootstrapAsync(string defaultAccountName, string? adminToken,
        CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            var account = _accounts.Values.OrderBy(a => a.CreatedAt).FirstOrDefault() ?? InsertAccount(defaultAccountName);
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
            return ValueTask.FromResult((account, generated));
        }
    }

    /// <inheritdoc/>
    public ValueTask<ApiToken?> FindTokenAsync(string value, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_tokensByHash.GetValueOrDefault(Hash(value)));

    /// <inheritdoc/>
    public ValueTask<Account?> FindAccountAsync(string id, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_accounts.GetValueOrDefault(id));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<Account>> AccountsAsync(ApiToken token, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IReadOnlyList<Account>>(
            [.. _accounts.Values.Where(a => token.CanUseAccount(a.Id)).OrderBy(a => a.CreatedAt).ThenBy(a => a.Id)]);

    /// <inheritdoc/>
    public ValueTask<Account> CreateAccountAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_writes) return ValueTask.FromResult(InsertAccount(name));
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<DatabaseRecord>> DatabasesAsync(string accountId, string? nameFilter = null,
        CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IReadOnlyList<DatabaseRecord>>([.. _databases.Values
            .Where(d => d.AccountId == accountId && (nameFilter is null || d.Name.Contains(nameFilter, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Uuid)]);

    /// <inheritdoc/>
    public ValueTask<DatabaseRecord?> FindDatabaseAsync(string accountId, string uuidOrName, CancellationToken cancellationToken = default)
    {
        if (_databases.TryGetValue(uuidOrName, out var byId) && byId.AccountId == accountId) return ValueTask.FromResult<DatabaseRecord?>(byId);
        return ValueTask.FromResult(_databasesByName.GetValueOrDefault((accountId, uuidOrName)));
    }

    /// <inheritdoc/>
    public ValueTask<DatabaseRecord?> FindDatabaseByUuidAsync(string uuid, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_databases.GetValueOrDefault(uuid));

    /// <inheritdoc/>
    /// <remarks>
    /// Creates that arrive together commit together: each joins the open batch, and whoever gets the commit turn first
    /// inserts the whole batch in one transaction (one fsync), so a burst of creates costs one sync, not one each. A
    /// create returns only once its batch is durable; its name is reserved meanwhile, so a concurrent duplicate fails.
    /// </remarks>
    public async ValueTask<DatabaseRecord> CreateDatabaseAsync(string accountId, string name, DatabasePlacement placement,
        CancellationToken cancellationToken = default)
    {
        var valid = DatabaseName.Parse(name).Value;
        var record = new DatabaseRecord(Guid.NewGuid().ToString(), accountId, valid, DateTimeOffset.UtcNow, placement.ReadReplication,
            placement.LocationHint, placement.Jurisdiction, 0, 0);
        InsertBatch batch;
        lock (_writes)
        {
            if (_databasesByName.ContainsKey((accountId, valid)) || !_pendingNames.Add((accountId, valid)))
                throw new D1Exception(D1ErrorCode.DuplicateName, "A database with that name already exists");
            batch = _openBatch;
            batch.Records.Add(record);
        }
        // Not cancellable once queued: the batch may already be committing it.
        await _commitTurn.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!batch.Committed.Task.IsCompleted) CommitOpenBatch();
        }
        finally
        {
            _commitTurn.Release();
        }
        await batch.Committed.Task.ConfigureAwait(false);
        return record;
    }

    void CommitOpenBatch()
    {
        InsertBatch batch;
        Exception? failure = null;
        lock (_writes)
        {
            (batch, _openBatch) = (_openBatch, new InsertBatch());
            try
            {
                using var transaction = _connection.BeginTransaction();
                using var command = _connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO databases(uuid, account_id, name, created_at, read_replication, location_hint, jurisdiction)
                    VALUES ($uuid, $account, $name, $at, $replication, $hint, $jurisdiction)
                    """;
                var (uuid, account, name, at) = (command.Parameters.Add("$uuid", SqliteType.Text), command.Parameters.Add("$account", SqliteType.Text),
                    command.Parameters.Add("$name", SqliteType.Text), command.Parameters.Add("$at", SqliteType.Text));
                var (replication, hint, jurisdiction) = (command.Parameters.Add("$replication", SqliteType.Text),
                    command.Parameters.Add("$hint", SqliteType.Text), command.Parameters.Add("$jurisdiction", SqliteType.Text));
                foreach (var record in batch.Records)
                {
                    (uuid.Value, account.Value, name.Value, at.Value) = (record.Uuid, record.AccountId, record.Name, record.CreatedAt.ToString("O"));
                    (replication.Value, hint.Value, jurisdiction.Value) = (record.ReadReplication, (object?)record.LocationHint ?? DBNull.Value,
                        (object?)record.Jurisdiction ?? DBNull.Value);
                    command.ExecuteNonQuery();
                }
                transaction.Commit();
                foreach (var record in batch.Records) Remember(record);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                foreach (var record in batch.Records) _pendingNames.Remove((record.AccountId, record.Name));
            }
        }
        if (failure is null) batch.Committed.SetResult();
        else batch.Committed.SetException(failure);
    }

    /// <summary>Creates waiting to be committed together.</summary>
    sealed class InsertBatch
    {
        public readonly List<DatabaseRecord> Records = [];
        public readonly TaskCompletionSource Committed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <inheritdoc/>
    public ValueTask<DatabaseRecord> UpdateReadReplicationAsync(DatabaseRecord record, string mode, CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            Exec("UPDATE databases SET read_replication = $mode WHERE uuid = $uuid", ("$mode", mode), ("$uuid", record.Uuid));
            var current = _databases.GetValueOrDefault(record.Uuid) ?? record;
            return ValueTask.FromResult(Remember(current with { ReadReplication = mode }));
        }
    }

    /// <inheritdoc/>
    public ValueTask UpdateStatsAsync(string uuid, DatabaseStats stats, CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            if (!_databases.TryGetValue(uuid, out var record)) return ValueTask.CompletedTask;
            if (record.NumTables == stats.NumTables && record.FileSize == stats.FileSize) return ValueTask.CompletedTask;
            Exec("UPDATE databases SET num_tables = $n, file_size = $size WHERE uuid = $uuid",
                ("$n", stats.NumTables), ("$size", stats.FileSize), ("$uuid", uuid));
            Remember(record with { NumTables = stats.NumTables, FileSize = stats.FileSize });
            return ValueTask.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public ValueTask DeleteDatabaseAsync(DatabaseRecord record, CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            Exec("DELETE FROM databases WHERE uuid = $uuid", ("$uuid", record.Uuid));
            if (_databases.TryRemove(record.Uuid, out var removed)) _databasesByName.TryRemove((removed.AccountId, removed.Name), out _);
            return ValueTask.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public ValueTask<(ApiToken Token, string Value)> CreateTokenAsync(string accountId, string name, TokenPermission permission,
        IReadOnlyList<string>? databases, CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            var value = NewSecret();
            return ValueTask.FromResult((InsertToken(accountId, name, value, permission, databases, isAdmin: false), value));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ApiToken>> TokensAsync(string accountId, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<IReadOnlyList<ApiToken>>(
            [.. _tokensByHash.Values.Where(t => t.AccountId == accountId && !t.IsAdmin).OrderBy(t => t.CreatedAt)]);

    /// <inheritdoc/>
    public ValueTask<bool> RevokeTokenAsync(string accountId, string tokenId, CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            if (!_tokensById.TryGetValue(tokenId, out var token) || token.AccountId != accountId || token.IsAdmin) return ValueTask.FromResult(false);
            DeleteToken(token);
            return ValueTask.FromResult(true);
        }
    }

    Account InsertAccount(string name)
    {
        var account = new Account(RandomNumberGenerator.GetHexString(32, lowercase: true), name, DateTimeOffset.UtcNow);
        Exec("INSERT INTO accounts(id, name, created_at) VALUES ($id, $name, $at)",
            ("$id", account.Id), ("$name", name), ("$at", account.CreatedAt.ToString("O")));
        _accounts[account.Id] = account;
        return account;
    }

    DatabaseRecord Remember(DatabaseRecord record)
    {
        _databases[record.Uuid] = record;
        _databasesByName[(record.AccountId, record.Name)] = record;
        return record;
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
        _tokensById[token.Id] = token;
        return token;
    }

    void DeleteToken(ApiToken token)
    {
        Exec("DELETE FROM tokens WHERE id = $id", ("$id", token.Id));
        _tokensByHash.TryRemove(token.Hash, out _);
        _tokensById.TryRemove(token.Id, out _);
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
            {
                // 100,000 records share their account's id and the few mode/hint values instead of a copy each.
                var accountId = reader.GetString(1);
                if (_accounts.TryGetValue(accountId, out var account)) accountId = account.Id;
                Remember(new DatabaseRecord(reader.GetString(0), accountId, reader.GetString(2),
                    DateTimeOffset.Parse(reader.GetString(3)), string.Intern(reader.GetString(4)), reader.IsDBNull(5) ? null : string.Intern(reader.GetString(5)),
                    reader.IsDBNull(6) ? null : string.Intern(reader.GetString(6)), reader.GetInt32(7), reader.GetInt64(8)));
            }
        using (var reader = Query("SELECT id, account_id, name, hash, permission, databases, is_admin, created_at FROM tokens"))
            while (reader.Read())
            {
                var databases = reader.IsDBNull(5) ? null
                    : JsonSerializer.Deserialize(reader.GetString(5), CatalogJson.Default.IReadOnlyListString);
                var token = new ApiToken(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    Enum.Parse<TokenPermission>(reader.GetString(4), ignoreCase: true), databases, reader.GetInt32(6) != 0,
                    DateTimeOffset.Parse(reader.GetString(7)));
                _tokensByHash[token.Hash] = token;
                _tokensById[token.Id] = token;
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
    public void Dispose()
    {
        _connection.Dispose();
        _commitTurn.Dispose();
    }
}
