using Atoll.Engine;
using Atoll.Server.Catalog;

namespace Atoll.Server.Tests.Catalog;

/// <summary>
/// What every <see cref="ICatalog"/> must do, run against each implementation on its real store (a catalog.db, a
/// PostgreSQL): the naming rule, lookups by name and uuid, tokens, and a reopened catalog answering as before.
/// </summary>
public abstract class CatalogContract
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Opens a catalog on this test's store; a second call opens another instance on the same store (a restart, or another node).</summary>
    protected abstract ValueTask<ICatalog> OpenAsync();

    protected static async ValueTask CloseAsync(ICatalog catalog)
    {
        if (catalog is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
        else (catalog as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task CreateDatabaseAsync_refuses_invalid_names_and_taken_ones()
    {
        var catalog = await OpenAsync();
        try
        {
            var (account, _) = await catalog.BootstrapAsync("default", "admin-token-0123456789", Ct);
            foreach (var name in new[] { "", "a/b", "../x", "a\0b", new string('a', 256), Guid.NewGuid().ToString() })
            {
                var bad = await Assert.ThrowsAsync<D1Exception>(async () => await catalog.CreateDatabaseAsync(account.Id, name, DatabasePlacement.Default, Ct));
                Assert.Equal(D1ErrorCode.BadRequest, bad.Code);
            }
            await catalog.CreateDatabaseAsync(account.Id, "taken", DatabasePlacement.Default, Ct);
            var duplicate = await Assert.ThrowsAsync<D1Exception>(async () => await catalog.CreateDatabaseAsync(account.Id, "taken", DatabasePlacement.Default, Ct));
            Assert.Equal(D1ErrorCode.DuplicateName, duplicate.Code);
            Assert.Empty(await catalog.DatabasesAsync(account.Id, "a/b", Ct));
            Assert.Equal(["taken"], (await catalog.DatabasesAsync(account.Id, "TAK", Ct)).Select(d => d.Name));
        }
        finally
        {
            await CloseAsync(catalog);
        }
    }

    [Fact]
    public async Task FindDatabaseAsync_finds_by_name_and_uuid_within_the_account_only()
    {
        var catalog = await OpenAsync();
        try
        {
            var (account, _) = await catalog.BootstrapAsync("default", "admin-token-0123456789", Ct);
            var other = await catalog.CreateAccountAsync("other", Ct);
            var mine = await catalog.CreateDatabaseAsync(account.Id, "same-name", DatabasePlacement.Default, Ct);
            var theirs = await catalog.CreateDatabaseAsync(other.Id, "same-name", DatabasePlacement.Default, Ct);

            Assert.Equal(mine.Uuid, (await catalog.FindDatabaseAsync(account.Id, "same-name", Ct))?.Uuid);
            Assert.Equal(theirs.Uuid, (await catalog.FindDatabaseAsync(other.Id, "same-name", Ct))?.Uuid);
            Assert.Equal(mine.Uuid, (await catalog.FindDatabaseAsync(account.Id, mine.Uuid.ToUpperInvariant(), Ct))?.Uuid);
            Assert.Null(await catalog.FindDatabaseAsync(account.Id, theirs.Uuid, Ct));
            Assert.Equal(theirs.Uuid, (await catalog.FindDatabaseByUuidAsync(theirs.Uuid, Ct))?.Uuid);

            await catalog.DeleteDatabaseAsync(mine, Ct);
            Assert.Null(await catalog.FindDatabaseAsync(account.Id, "same-name", Ct));
            Assert.Null(await catalog.FindDatabaseByUuidAsync(mine.Uuid, Ct));
            Assert.Equal(mine.Name, (await catalog.CreateDatabaseAsync(account.Id, "same-name", DatabasePlacement.Default, Ct)).Name); // the name is free again
        }
        finally
        {
            await CloseAsync(catalog);
        }
    }

    [Fact]
    public async Task Tokens_are_listed_per_account_and_a_revoked_one_is_refused()
    {
        var catalog = await OpenAsync();
        try
        {
            var (account, _) = await catalog.BootstrapAsync("default", "admin-token-0123456789", Ct);
            var other = await catalog.CreateAccountAsync("other", Ct);
            var (reader, readerValue) = await catalog.CreateTokenAsync(account.Id, "reader", TokenPermission.Read, null, Ct);
            var (editor, _) = await catalog.CreateTokenAsync(account.Id, "editor", TokenPermission.Edit, null, Ct);
            await catalog.CreateTokenAsync(other.Id, "theirs", TokenPermission.Edit, null, Ct);

            Assert.Equal([reader.Id, editor.Id], (await catalog.TokensAsync(account.Id, Ct)).Select(t => t.Id)); // not the admin's, not theirs
            Assert.Equal(reader.Id, (await catalog.FindTokenAsync(readerValue, Ct))?.Id);
            Assert.False(await catalog.RevokeTokenAsync(other.Id, reader.Id, Ct)); // another account's token
            var admin = await catalog.FindTokenAsync("admin-token-0123456789", Ct);
            Assert.True(admin?.IsAdmin);
            Assert.False(await catalog.RevokeTokenAsync(account.Id, admin!.Id, Ct)); // the admin token is not revocable here
            Assert.True(await catalog.RevokeTokenAsync(account.Id, reader.Id, Ct));
            Assert.Null(await catalog.FindTokenAsync(readerValue, Ct));
            Assert.Equal([editor.Id], (await catalog.TokensAsync(account.Id, Ct)).Select(t => t.Id));
        }
        finally
        {
            await CloseAsync(catalog);
        }
    }

    [Fact]
    public async Task Bootstrap_keeps_the_default_account_and_rekeys_the_admin_token()
    {
        var catalog = await OpenAsync();
        try
        {
            var (first, generated) = await catalog.BootstrapAsync("default", null, Ct);
            Assert.NotNull(generated);
            Assert.True((await catalog.FindTokenAsync(generated!, Ct))?.IsAdmin);
            var (again, none) = await catalog.BootstrapAsync("ignored", null, Ct);
            Assert.Equal((first.Id, (string?)null), (again.Id, none));
            await catalog.BootstrapAsync("ignored", "new-admin-token-0123456789", Ct);
            Assert.Null(await catalog.FindTokenAsync(generated!, Ct));
            Assert.True((await catalog.FindTokenAsync("new-admin-token-0123456789", Ct))?.IsAdmin);
        }
        finally
        {
            await CloseAsync(catalog);
        }
    }

    [Fact]
    public async Task A_reopened_catalog_answers_as_before()
    {
        string accountId, uuid, tokenValue, tokenId;
        var catalog = await OpenAsync();
        try
        {
            var (account, _) = await catalog.BootstrapAsync("default", "admin-token-0123456789", Ct);
            accountId = account.Id;
            var record = await catalog.CreateDatabaseAsync(accountId, "kept", new DatabasePlacement("weur", "eu", "auto"), Ct);
            uuid = record.Uuid;
            await catalog.UpdateStatsAsync(uuid, new DatabaseStats(3, 8192), Ct);
            await catalog.UpdateReadReplicationAsync(record, "disabled", Ct);
            var (token, value) = await catalog.CreateTokenAsync(accountId, "reader", TokenPermission.Read, [uuid], Ct);
            (tokenValue, tokenId) = (value, token.Id);
        }
        finally
        {
            await CloseAsync(catalog);
        }
        var reopened = await OpenAsync();
        try
        {
            var record = await reopened.FindDatabaseAsync(accountId, "kept", Ct);
            Assert.Equal((uuid, "weur", "eu", "disabled", 3, 8192L),
                (record?.Uuid, record?.LocationHint, record?.Jurisdiction, record?.ReadReplication, record?.NumTables, record?.FileSize));
            var token = await reopened.FindTokenAsync(tokenValue, Ct);
            Assert.Equal((tokenId, TokenPermission.Read), (token?.Id, token?.Permission));
            Assert.Equal([uuid], token?.Databases ?? []);
            Assert.True(await reopened.RevokeTokenAsync(accountId, tokenId, Ct));
            Assert.Null(await reopened.FindTokenAsync(tokenValue, Ct));
            Assert.False(await reopened.RevokeTokenAsync(accountId, tokenId, Ct));
        }
        finally
        {
            await CloseAsync(reopened);
        }
    }
}

/// <summary>The contract on the single-node catalog (a real catalog.db in a temp folder).</summary>
public sealed class SqliteCatalogTests : CatalogContract, IDisposable
{
    readonly TempDataDirectory _data = new();

    protected override ValueTask<ICatalog> OpenAsync() => ValueTask.FromResult<ICatalog>(new SqliteCatalog(_data.Path));

    public void Dispose() => _data.Dispose();
}
