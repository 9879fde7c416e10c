using System.Data;
using Atoll.Engine;
using Atoll.Server.Catalog;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Atoll.Server.Cluster;

/// <summary>
/// The cluster's <see cref="ICatalog"/>: accounts, databases and tokens in PostgreSQL, shared by every node, with the same
/// in-memory mirror as the single-node catalog so a request's token and database lookups cost no round trip.
/// </summary>
/// <remarks>
/// <para>How the mirrors stay true: every write appends what it changed to <c>catalog_changes</c> and sends a
/// <c>NOTIFY</c>, all under one advisory lock so change ids commit in order. Each node LISTENs and, when notified — or
/// every <see cref="PostgresCatalogOptions.RefreshInterval"/> when no notification came — reads the changes past the
/// last one it applied and reloads those rows. A lookup the mirror misses asks PostgreSQL (a database created on another
/// node a moment ago answers at once).</para>
/// <para>The bound on a revoked token: every node refuses it once it read the change — at once when the notification
/// arrives, within <see cref="PostgresCatalogOptions.RefreshInterval"/> plus one query when it was lost. A node that has
/// not caught up for <see cref="PostgresCatalogOptions.StaleAfter"/> (its PostgreSQL connection is down) stops trusting
/// its mirror for tokens: each lookup asks PostgreSQL and fails closed while it cannot. So no node accepts a revoked
/// token longer than <c>StaleAfter</c> after the revocation committed.</para>
/// </remarks>
public sealed class PostgresCatalog : ICatalog, IAsyncDisposable
{
    /// <summary>The advisory lock every catalog write holds until it commits (ASCII "AtollCat").</summary>
    const long WriteLock = 0x41746f6c6c436174;

    /// <summary>The channel writes notify and nodes listen on.</summary>
    const string Channel = "atoll_catalog";

    /// <summary>Changes older than this are deleted; a node that fell further behind reloads everything.</summary>
    static readonly TimeSpan ChangesKept = TimeSpan.FromMinutes(10);

    readonly NpgsqlDataSource _source;
    readonly PostgresCatalogOptions _options;
    readonly ILogger _logger;
    readonly TimeProvider _clock;
    readonly Lock _apply = new();
    readonly CatalogMirror _mirror = new();
    readonly CancellationTokenSource _stop = new();
    readonly Task _listener;
    long _lastChange;
    long _applied; // bumped whenever the feed changed the mirror: a miss's answer read before then may be stale
    long _caughtUpAt; // clock timestamp of the last successful catch-up
    DateTimeOffset _lastPrune;

    /// <summary>Loads the whole catalog from the database <paramref name="source"/> reaches (its schema applied by
    /// <see cref="ClusterSchema.EnsureAsync"/>) and starts following its changes.</summary>
    public PostgresCatalog(NpgsqlDataSource source, PostgresCatalogOptions? options = null, ILogger<PostgresCatalog>? logger = null,
        TimeProvider? clock = null)
    {
        _source = source;
        _options = options ?? new PostgresCatalogOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _clock = clock ?? TimeProvider.System;
        // At start-up, before the node serves: the mirror must be complete before the first request.
        ReloadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _listener = Task.Run(ListenAsync);
    }

    /// <summary>How long ago the mirror last caught up with PostgreSQL (the revocation bound's clock).</summary>
    public TimeSpan SinceCaughtUp => _clock.GetElapsedTime(Interlocked.Read(ref _caughtUpAt));

    /// <inheritdoc/>
    public async ValueTask<(Account Account, string? GeneratedToken)> BootstrapAsync(string defaultAccountName, string? adminToken,
        CancellationToken cancellationToken = default)
    {
        var (result, _) = await WriteAsync(async write =>
        {
            // Under the write lock, from PostgreSQL itself: another node may be bootstrapping at this very moment.
            var current = new CatalogMirror();
            await write.ReadAsync(CatalogRows.SelectAccounts, r => current.Remember(CatalogRows.ReadAccount(r))).ConfigureAwait(false);
            await write.ReadAsync($"{CatalogRows.SelectTokens} WHERE is_admin <> 0", r => current.Remember(CatalogRows.ReadToken(r))).ConfigureAwait(false);
            return await CatalogBootstrap.RunAsync(current, defaultAccountName, adminToken,
                account => new ValueTask(write.ExecAsync(c => CatalogRows.Insert(c, account), "account", account.Id)),
                token => new ValueTask(write.ExecAsync(c => CatalogRows.Insert(c, token), "token", token.Id)),
                token => new ValueTask(write.ExecAsync(c => CatalogRows.Bind(c, CatalogRows.DeleteToken, ("@id", token.Id)), "token", token.Id)))
                .ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        await CatchUpAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc/>
    public async ValueTask<ApiToken?> FindTokenAsync(string value, CancellationToken cancellationToken = default)
    {
        var hash = CatalogRows.Hash(value);
        // A mirror that has not caught up lately may still hold a revoked token: ask PostgreSQL (and fail closed).
        if (SinceCaughtUp <= _options.StaleAfter && _mirror.TokenByHash(hash) is { } token) return token;
        return await MissAsync($"{CatalogRows.SelectTokens} WHERE hash = @key", CatalogRows.ReadToken, _mirror.Remember, cancellationToken,
            ("@key", hash)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<Account?> FindAccountAsync(string id, CancellationToken cancellationToken = default)
        => _mirror.Account(id) ?? await MissAsync($"{CatalogRows.SelectAccounts} WHERE id = @key", CatalogRows.ReadAccount,
            _mirror.Remember, cancellationToken, ("@key", id)).ConfigureAwait(false);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<Account>> AccountsAsync(ApiToken token, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_mirror.Accounts(token));

    /// <inheritdoc/>
    public async ValueTask<Account> CreateAccountAsync(string name, CancellationToken cancellationToken = default)
    {
        var account = CatalogRows.NewAccount(name);
        var (_, change) = await WriteAsync(write => write.ExecAsync(c => CatalogRows.Insert(c, account), "account", account.Id),
            cancellationToken).ConfigureAwait(false);
        ApplyOwn(change, () => _mirror.Remember(account));
        return account;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<DatabaseRecord>> DatabasesAsync(string accountId, string? nameFilter = null,
        CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_mirror.Databases(accountId, nameFilter));

    /// <inheritdoc/>
    public async ValueTask<DatabaseRecord?> FindDatabaseAsync(string accountId, string uuidOrName, CancellationToken cancellationToken = default)
    {
        return _mirror.Database(accountId, uuidOrName) ?? await MissAsync(
            $"{CatalogRows.SelectDatabases} WHERE account_id = @account AND (uuid = lower(@key) OR name = @key) ORDER BY uuid = lower(@key) DESC",
            CatalogRows.ReadDatabase, _mirror.Remember, cancellationToken, ("@account", accountId), ("@key", uuidOrName)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<DatabaseRecord?> FindDatabaseByUuidAsync(string uuid, CancellationToken cancellationToken = default)
        => _mirror.DatabaseByUuid(uuid) ?? await ReadDatabaseByUuidAsync(uuid, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <remarks>The mirror hears of a delete on another node within its bound, not at once: this asks PostgreSQL.</remarks>
    public async ValueTask<DatabaseRecord?> ReadDatabaseByUuidAsync(string uuid, CancellationToken cancellationToken = default)
        => await MissAsync($"{CatalogRows.SelectDatabases} WHERE uuid = lower(@key)",
            CatalogRows.ReadDatabase, _mirror.Remember, cancellationToken, ("@key", uuid)).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<DatabaseRecord> CreateDatabaseAsync(string accountId, string name, DatabasePlacement placement,
        CancellationToken cancellationToken = default)
    {
        var record = CatalogRows.NewDatabase(accountId, DatabaseName.Parse(name).Value, placement);
        try
        {
            var (_, change) = await WriteAsync(write => write.ExecAsync(c => CatalogRows.Insert(c, record), "database", record.Uuid),
                cancellationToken).ConfigureAwait(false);
            ApplyOwn(change, () => _mirror.Remember(record));
            return record;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new D1Exception(D1ErrorCode.DuplicateName, "A database with that name already exists");
        }
    }

    /// <inheritdoc/>
    public async ValueTask<DatabaseRecord> UpdateReadReplicationAsync(DatabaseRecord record, string mode, CancellationToken cancellationToken = default)
    {
        var (_, change) = await WriteAsync(write => write.ExecAsync(
            c => CatalogRows.Bind(c, CatalogRows.UpdateReadReplication, ("@mode", mode), ("@uuid", record.Uuid)), "database", record.Uuid),
            cancellationToken).ConfigureAwait(false);
        var updated = (_mirror.DatabaseByUuid(record.Uuid) ?? record) with { ReadReplication = mode };
        ApplyOwn(change, () => _mirror.Remember(updated));
        return updated;
    }

    /// <inheritdoc/>
    public async ValueTask UpdateStatsAsync(string uuid, DatabaseStats stats, CancellationToken cancellationToken = default)
    {
        if (await FindDatabaseByUuidAsync(uuid, cancellationToken).ConfigureAwait(false) is not { } record) return;
        if (record.NumTables == stats.NumTables && record.FileSize == stats.FileSize) return;
        var (_, change) = await WriteAsync(write => write.ExecAsync(
            c => CatalogRows.Bind(c, CatalogRows.UpdateStats, ("@n", stats.NumTables), ("@size", stats.FileSize), ("@uuid", uuid)),
            "database", uuid), cancellationToken).ConfigureAwait(false);
        ApplyOwn(change, () => { if (_mirror.DatabaseByUuid(uuid) is { } current) _mirror.Remember(current with { NumTables = stats.NumTables, FileSize = stats.FileSize }); });
    }

    /// <inheritdoc/>
    public async ValueTask DeleteDatabaseAsync(DatabaseRecord record, CancellationToken cancellationToken = default)
    {
        var (_, change) = await WriteAsync(write => write.ExecAsync(
            c => CatalogRows.Bind(c, CatalogRows.DeleteDatabase, ("@uuid", record.Uuid)), "database", record.Uuid),
            cancellationToken).ConfigureAwait(false);
        ApplyOwn(change, () => _mirror.ForgetDatabase(record.Uuid));
    }

    /// <inheritdoc/>
    public async ValueTask<(ApiToken Token, string Value)> CreateTokenAsync(string accountId, string name, TokenPermission permission,
        IReadOnlyList<string>? databases, CancellationToken cancellationToken = default)
    {
        var value = CatalogRows.NewSecret();
        var token = CatalogRows.NewToken(accountId, name, value, permission, databases, isAdmin: false);
        var (_, change) = await WriteAsync(write => write.ExecAsync(c => CatalogRows.Insert(c, token), "token", token.Id),
            cancellationToken).ConfigureAwait(false);
        ApplyOwn(change, () => _mirror.Remember(token));
        return (token, value);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ApiToken>> TokensAsync(string accountId, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_mirror.Tokens(accountId));

    /// <inheritdoc/>
    public async ValueTask<bool> RevokeTokenAsync(string accountId, string tokenId, CancellationToken cancellationToken = default)
    {
        var (deleted, change) = await WriteAsync(async write =>
        {
            var rows = await write.ExecAsync(c => CatalogRows.Bind(c, $"{CatalogRows.DeleteToken} AND account_id = @account AND is_admin = 0",
                ("@id", tokenId), ("@account", accountId))).ConfigureAwait(false);
            if (rows > 0) write.Changed("token", tokenId);
            return rows > 0;
        }, cancellationToken).ConfigureAwait(false);
        if (deleted) ApplyOwn(change, () => _mirror.ForgetToken(tokenId));
        return deleted;
    }

    /// <summary>Brings the mirror up to date with the change feed now (the listener does this on every notification).</summary>
    public async ValueTask CatchUpAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await CatchUpAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    // Runs one write transaction under the catalog's write lock: its changes are recorded and notified with it.
    async Task<(T Result, long LastChange)> WriteAsync<T>(Func<CatalogWrite, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var write = new CatalogWrite(connection, transaction, cancellationToken);
            await write.ExecAsync(c => CatalogRows.Bind(c, "SELECT pg_advisory_xact_lock(@lock)", ("@lock", WriteLock))).ConfigureAwait(false);
            var result = await work(write).ConfigureAwait(false);
            var last = await write.RecordChangesAsync(Channel).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (result, last);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw Unavailable(ex);
        }
    }

    // This node's own write shows in its mirror at once, unless the feed already applied it (or something after it).
    void ApplyOwn(long change, Action update)
    {
        lock (_apply)
            if (Interlocked.Read(ref _lastChange) < change) update();
    }

    // A lookup the mirror could not answer: PostgreSQL's answer, remembered unless the feed changed the mirror meanwhile.
    async Task<T?> MissAsync<T>(string sql, Func<System.Data.Common.DbDataReader, T> read, Func<T, T> remember,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) where T : class
    {
        var applied = Interlocked.Read(ref _applied);
        List<T> found = [];
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            CatalogRows.Bind(command, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) found.Add(read(reader));
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable(ex);
        }
        lock (_apply)
            if (Interlocked.Read(ref _applied) == applied)
                foreach (var item in found) remember(item);
        return found.FirstOrDefault(); // by uuid before by name, as the mirror answers
    }

    async Task ListenAsync()
    {
        var retry = TimeSpan.FromMilliseconds(100);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await OpenAsync(_stop.Token).ConfigureAwait(false);
                var notified = 0;
                connection.Notification += (_, _) => Volatile.Write(ref notified, 1);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(_stop.Token).ConfigureAwait(false);
                retry = TimeSpan.FromMilliseconds(100);
                while (!_stop.IsCancellationRequested)
                {
                    // Listening first, then reading: nothing committed in between is missed.
                    await CatchUpAsync(connection, _stop.Token).ConfigureAwait(false);
                    if (Interlocked.Exchange(ref notified, 0) == 0)
                        await connection.WaitAsync(_options.RefreshInterval, _stop.Token).ConfigureAwait(false);
                    Interlocked.Exchange(ref notified, 0);
                }
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Catalog: following changes in PostgreSQL failed; retrying in {Delay}", retry);
                try { await Task.Delay(retry, _stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, _options.RefreshInterval.Ticks));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    async Task CatchUpAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (SinceCaughtUp > ChangesKept / 2)
        {
            // Away longer than the feed is surely kept: start over from the tables.
            await ReloadAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        var started = _clock.GetTimestamp();
        var from = Interlocked.Read(ref _lastChange);
        List<(long Id, string Kind, string Key)> changes = [];
        await using (var command = connection.CreateCommand())
        {
            CatalogRows.Bind(command, "SELECT id, kind, key FROM catalog_changes WHERE id > @from ORDER BY id", ("@from", from));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                changes.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }
        if (changes.Count > 0)
        {
            // The rows as they are now (at or after each change): applying them is idempotent.
            var fresh = new CatalogMirror();
            var accounts = Keys(changes, "account");
            var databases = Keys(changes, "database");
            var tokens = Keys(changes, "token");
            await ReadAsync(connection, $"{CatalogRows.SelectAccounts} WHERE id = ANY(@keys)", accounts, r => fresh.Remember(CatalogRows.ReadAccount(r)), cancellationToken).ConfigureAwait(false);
            await ReadAsync(connection, $"{CatalogRows.SelectDatabases} WHERE uuid = ANY(@keys)", databases, r => fresh.Remember(CatalogRows.ReadDatabase(r)), cancellationToken).ConfigureAwait(false);
            await ReadAsync(connection, $"{CatalogRows.SelectTokens} WHERE id = ANY(@keys)", tokens, r => fresh.Remember(CatalogRows.ReadToken(r)), cancellationToken).ConfigureAwait(false);
            lock (_apply)
            {
                foreach (var id in accounts)
                    if (fresh.Account(id) is { } account) _mirror.Remember(account); else _mirror.ForgetAccount(id);
                foreach (var uuid in databases)
                    if (fresh.DatabaseByUuid(uuid) is { } record) _mirror.Remember(record); else _mirror.ForgetDatabase(uuid);
                foreach (var id in tokens)
                    if (fresh.TokenById(id) is { } token) _mirror.Remember(token); else _mirror.ForgetToken(id);
                Interlocked.Exchange(ref _lastChange, Math.Max(Interlocked.Read(ref _lastChange), changes[^1].Id));
                Interlocked.Increment(ref _applied);
            }
        }
        Interlocked.Exchange(ref _caughtUpAt, started);
        await PruneAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    static string[] Keys(List<(long Id, string Kind, string Key)> changes, string kind)
        => [.. changes.Where(c => c.Kind == kind).Select(c => c.Key).Distinct(StringComparer.Ordinal)];

    static async Task ReadAsync(NpgsqlConnection connection, string sql, string[] keys, Action<System.Data.Common.DbDataReader> row,
        CancellationToken cancellationToken)
    {
        if (keys.Length == 0) return;
        await using var command = connection.CreateCommand();
        CatalogRows.Bind(command, sql, ("@keys", keys));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) row(reader);
    }

    // The whole catalog and the feed position it matches, read in one snapshot.
    async ValueTask ReloadAsync(CancellationToken cancellationToken)
    {
        var started = _clock.GetTimestamp();
        var fresh = new CatalogMirror();
        long last;
        await using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false))
        {
            await using (var position = new NpgsqlCommand("SELECT coalesce(max(id), 0) FROM catalog_changes", connection, transaction))
                last = (long)(await position.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            var write = new CatalogWrite(connection, transaction, cancellationToken);
            await write.ReadAsync(CatalogRows.SelectAccounts, r => fresh.Remember(CatalogRows.ReadAccount(r))).ConfigureAwait(false);
            await write.ReadAsync(CatalogRows.SelectDatabases, r => fresh.Remember(CatalogRows.ReadDatabase(r))).ConfigureAwait(false);
            await write.ReadAsync(CatalogRows.SelectTokens, r => fresh.Remember(CatalogRows.ReadToken(r))).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        lock (_apply)
        {
            _mirror.ReplaceWith(fresh);
            Interlocked.Exchange(ref _lastChange, last);
            Interlocked.Increment(ref _applied);
        }
        Interlocked.Exchange(ref _caughtUpAt, started);
    }

    // Any node trims the feed now and then; the delete is cheap and harmless when two nodes do it together.
    async Task PruneAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        if (now - _lastPrune < TimeSpan.FromMinutes(1)) return;
        _lastPrune = now;
        await using var command = connection.CreateCommand();
        CatalogRows.Bind(command, "DELETE FROM catalog_changes WHERE changed_at < now() - @kept", ("@kept", ChangesKept));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable(ex);
        }
    }

    static D1Exception Unavailable(Exception ex)
        => new(D1ErrorCode.Overloaded, $"The catalog is unreachable (PostgreSQL: {ex.Message}); try again shortly.", inner: ex);

    /// <summary>Stops following changes.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _listener.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
