using Atoll.Server.Catalog;
using Atoll.Server.Cluster;
using Atoll.Tests;
using Npgsql;

namespace Atoll.Server.Tests.Cluster;

/// <summary>
/// Two cluster catalogs on one PostgreSQL, as two nodes (each its own connection pool): what one writes the other answers,
/// a revocation reaches the other — by notification, by the poll when the notification is lost — and a node whose
/// mirror went stale stops trusting it for tokens. Waits are polls with a generous deadline, never timing assertions.
/// </summary>
public sealed class PostgresCatalogNodesTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    readonly List<IAsyncDisposable> _owned = [];
    string _connectionString = "";
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync("nodes");
        await ClusterSchema.EnsureAsync(_connectionString, Ct);
    }

    PostgresCatalog Node(PostgresCatalogOptions? options = null, TimeProvider? clock = null)
    {
        var source = NpgsqlDataSource.Create(_connectionString);
        var catalog = new PostgresCatalog(source, options, clock: clock);
        _owned.Add(source);
        _owned.Add(catalog);
        return catalog;
    }

    [Fact]
    public async Task A_database_created_on_one_node_answers_on_the_other_at_once()
    {
        var a = Node();
        var b = Node();
        var (account, _) = await a.BootstrapAsync("default", "admin-token-0123456789", Ct);
        var (again, generated) = await b.BootstrapAsync("default", "admin-token-0123456789", Ct); // the second node starts
        Assert.Equal((account.Id, (string?)null), (again.Id, generated));

        var created = await a.CreateDatabaseAsync(account.Id, "orders", DatabasePlacement.Default, Ct);
        // No wait: a miss in B's mirror asks PostgreSQL.
        Assert.Equal(created.Uuid, (await b.FindDatabaseAsync(account.Id, "orders", Ct))?.Uuid);
        Assert.Equal(created.Uuid, (await b.FindDatabaseByUuidAsync(created.Uuid, Ct))?.Uuid);
        var duplicate = await Assert.ThrowsAsync<Atoll.Engine.D1Exception>(async () =>
            await b.CreateDatabaseAsync(account.Id, "orders", DatabasePlacement.Default, Ct));
        Assert.Equal(Atoll.Engine.D1ErrorCode.DuplicateName, duplicate.Code);

        var other = await a.CreateDatabaseAsync(account.Id, "listed", DatabasePlacement.Default, Ct);
        await Until(async () => (await b.DatabasesAsync(account.Id, null, Ct)).Any(d => d.Uuid == other.Uuid), "B lists a database A created");
        await b.DeleteDatabaseAsync(created, Ct);
        await Until(async () => await a.FindDatabaseAsync(account.Id, "orders", Ct) is null, "A forgets a database B deleted");
    }

    [Fact]
    public async Task A_token_revoked_on_one_node_is_refused_on_the_other()
    {
        var a = Node();
        var b = Node();
        var (account, _) = await a.BootstrapAsync("default", "admin-token-0123456789", Ct);
        var (token, value) = await a.CreateTokenAsync(account.Id, "ci", Atoll.Server.Catalog.TokenPermission.Edit, null, Ct);
        Assert.Equal(token.Id, (await b.FindTokenAsync(value, Ct))?.Id); // known on B at once (and now in its mirror)

        Assert.True(await a.RevokeTokenAsync(account.Id, token.Id, Ct));
        await Until(async () => await b.FindTokenAsync(value, Ct) is null, "B refuses the token A revoked");
    }

    [Fact]
    public async Task A_revocation_whose_notification_was_lost_is_applied_by_the_poll()
    {
        var a = Node();
        var b = Node(new PostgresCatalogOptions { RefreshInterval = TimeSpan.FromSeconds(1) });
        var (account, _) = await a.BootstrapAsync("default", "admin-token-0123456789", Ct);
        var (token, value) = await a.CreateTokenAsync(account.Id, "ci", Atoll.Server.Catalog.TokenPermission.Read, null, Ct);
        Assert.NotNull(await b.FindTokenAsync(value, Ct));

        // The revocation as a node writes it, minus the NOTIFY (a notification lost with a dropped connection).
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync(Ct);
            await using var revoke = new NpgsqlCommand(
                "DELETE FROM tokens WHERE id = @id; INSERT INTO catalog_changes(kind, key) VALUES ('token', @id)", connection);
            revoke.Parameters.AddWithValue("id", token.Id);
            await revoke.ExecuteNonQueryAsync(Ct);
        }
        await Until(async () => await b.FindTokenAsync(value, Ct) is null, "B's poll applies the revocation");
    }

    [Fact]
    public async Task A_node_whose_mirror_went_stale_asks_PostgreSQL_for_tokens()
    {
        var clock = new SteppedClock();
        var a = Node();
        // B polls only hourly, so nothing but the staleness rule can make it notice a change it was not told about.
        var b = Node(new PostgresCatalogOptions { RefreshInterval = TimeSpan.FromHours(1), StaleAfter = TimeSpan.FromSeconds(3) }, clock);
        var (account, _) = await a.BootstrapAsync("default", "admin-token-0123456789", Ct);
        var (token, value) = await a.CreateTokenAsync(account.Id, "ci", Atoll.Server.Catalog.TokenPermission.Read, null, Ct);
        Assert.NotNull(await b.FindTokenAsync(value, Ct));

        // Removed behind the feed's back: no change row, no notification.
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync(Ct);
            await using var delete = new NpgsqlCommand("DELETE FROM tokens WHERE id = @id", connection);
            delete.Parameters.AddWithValue("id", token.Id);
            await delete.ExecuteNonQueryAsync(Ct);
        }
        Assert.NotNull(await b.FindTokenAsync(value, Ct)); // the mirror is trusted while fresh…
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(await b.FindTokenAsync(value, Ct)); // …and not once it is older than StaleAfter
    }

    static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{what}: not within {Deadline.TotalSeconds} s");
            await Task.Delay(20, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned.OrderBy(o => o is NpgsqlDataSource ? 1 : 0)) await owned.DisposeAsync(); // catalogs before their pools
    }

    /// <summary>A monotonic clock the test moves by hand (the catalog measures staleness with it).</summary>
    sealed class SteppedClock : TimeProvider
    {
        long _ticks = TimeSpan.TicksPerDay;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
