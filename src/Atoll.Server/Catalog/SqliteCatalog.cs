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
    readonly SqliteConnection _connection;
    readonly Lock _writes = new();
    readonly CatalogMirror _mirror = new();
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
        Exec(CatalogRows.Schema);
        Load();
    }

    /// <inheritdoc/>
    public ValueTask<(Account Account, string? GeneratedToken)> BootstrapAsync(string defaultAccountName, string? adminToken,
        CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            // Every step below completes synchronously (SQLite), so the lock covers the whole bootstrap.
            var result = CatalogBootstrap.RunAsync(_mirror, defaultAccountName, adminToken,
                account => Done(InsertAccount(account)), token => Done(InsertToken(token)), token => Done(DeleteToken(token)));
            return ValueTask.FromResult(result.AsTask().GetAwaiter().GetResult());
        }
    }

    /// <inheritdoc/>
    public ValueTask<ApiToken?> FindTokenAsync(string value, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_mirror.TokenByHash(CatalogRows.Hash(value)));

    /// <inheritdoc/>
    public ValueTask<Account?> FindAccountAsync(string id, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_mirror.Account(id));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<Account>> AccountsAsync(ApiToken token, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_mirror.Accounts(token));

    /// <inheritdoc/>
    public ValueTask<Account> CreateAccountAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_writes) return ValueTask.FromResult(InsertAccount(CatalogRows.NewAccount(name)));
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<DatabaseRecord>> DatabasesAsync(string accountId, string? nameFilter = null,
        CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_mirror.Databases(accountId, nameFilter));

    /// <inheritdoc/>
    public ValueTask<DatabaseRecord?> FindDatabaseAsync(string accountId, string uuidOrName, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_mirror.Database(accountId, uuidOrName));

    /// <inheritdoc/>
    public ValueTask<DatabaseRecord?> FindDatabaseByUuidAsync(string uuid, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_mirror.DatabaseByUuid(uuid));

    /// <inheritdoc/>
    /// <remarks>One process writes this catalog, and its mirror changes with every write: the mirror is the store's answer.</remarks>
    public ValueTask<DatabaseRecord?> ReadDatabaseByUuidAsync(string uuid, CancellationToken cancellationToken = default)
        => FindDatabaseByUuidAsync(uuid, cancellationToken);

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
        var record = CatalogRows.NewDatabase(accountId, valid, placement);
        InsertBatch batch;
        lock (_writes)
        {
            if (_mirror.HasDatabaseNamed(accountId, valid) || !_pendingNames.Add((accountId, valid)))
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
                foreach (var record in batch.Records)
                {
                    using var command = CatalogRows.Insert(_connection.CreateCommand(), record);
                    command.Transaction = transaction;
                    command.ExecuteNonQuery();
                }
                transaction.Commit();
                foreach (var record in batch.Records) _mirror.Remember(record);
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
            Exec(CatalogRows.UpdateReadReplication, ("@mode", mode), ("@uuid", record.Uuid));
            var current = _mirror.DatabaseByUuid(record.Uuid) ?? record;
            return ValueTask.FromResult(_mirror.Remember(current with { ReadReplication = mode }));
        }
    }

    /// <inheritdoc/>
    public ValueTask UpdateStatsAsync(string uuid, DatabaseStats stats, CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            if (_mirror.DatabaseByUuid(uuid) is not { } record) return ValueTask.CompletedTask;
            if (record.NumTables == stats.NumTables && record.FileSize == stats.FileSize) return ValueTask.CompletedTask;
            Exec(CatalogRows.UpdateStats, ("@n", stats.NumTables), ("@size", stats.FileSize), ("@uuid", uuid));
            _mirror.Remember(record with { NumTables = stats.NumTables, FileSize = stats.FileSize });
            return ValueTask.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public ValueTask DeleteDatabaseAsync(DatabaseRecord record, CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            Exec(CatalogRows.DeleteDatabase, ("@uuid", record.Uuid));
            _mirror.ForgetDatabase(record.Uuid);
            return ValueTask.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public ValueTask<(ApiToken Token, string Value)> CreateTokenAsync(string accountId, string name, TokenPermission permission,
        IReadOnlyList<string>? databases, CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            var value = CatalogRows.NewSecret();
            return ValueTask.FromResult((InsertToken(CatalogRows.NewToken(accountId, name, value, permission, databases, isAdmin: false)), value));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ApiToken>> TokensAsync(string accountId, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_mirror.Tokens(accountId));

    /// <inheritdoc/>
    public ValueTask<bool> RevokeTokenAsync(string accountId, string tokenId, CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            if (_mirror.TokenById(tokenId) is not { } token || token.AccountId != accountId || token.IsAdmin) return ValueTask.FromResult(false);
            DeleteToken(token);
            return ValueTask.FromResult(true);
        }
    }

    static ValueTask Done(object _) => ValueTask.CompletedTask;

    Account InsertAccount(Account account)
    {
        using (var command = CatalogRows.Insert(_connection.CreateCommand(), account)) command.ExecuteNonQuery();
        return _mirror.Remember(account);
    }

    ApiToken InsertToken(ApiToken token)
    {
        using (var command = CatalogRows.Insert(_connection.CreateCommand(), token)) command.ExecuteNonQuery();
        return _mirror.Remember(token);
    }

    ApiToken DeleteToken(ApiToken token)
    {
        Exec(CatalogRows.DeleteToken, ("@id", token.Id));
        _mirror.ForgetToken(token.Id);
        return token;
    }

    void Load()
    {
        using (var reader = Query(CatalogRows.SelectAccounts))
            while (reader.Read()) _mirror.Remember(CatalogRows.ReadAccount(reader));
        using (var reader = Query(CatalogRows.SelectDatabases))
            while (reader.Read()) _mirror.Remember(CatalogRows.ReadDatabase(reader));
        using (var reader = Query(CatalogRows.SelectTokens))
            while (reader.Read()) _mirror.Remember(CatalogRows.ReadToken(reader));
    }

    void Exec(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = CatalogRows.Bind(_connection.CreateCommand(), sql, parameters);
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
