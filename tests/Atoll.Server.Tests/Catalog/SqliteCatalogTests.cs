using Atoll.Engine;
using Atoll.Server.Catalog;

namespace Atoll.Server.Tests.Catalog;

/// <summary>The single-node catalog on a real catalog.db: the naming rule, lookups by name and uuid, and reopening.</summary>
public sealed class SqliteCatalogTests : IDisposable
{
    readonly TempDataDirectory _data = new();
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateDatabaseAsync_refuses_invalid_names_and_taken_ones()
    {
        using var catalog = new SqliteCatalog(_data.Path);
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
    }

    [Fact]
    public async Task FindDatabaseAsync_finds_by_name_and_uuid_within_the_account_only()
    {
        using var catalog = new SqliteCatalog(_data.Path);
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
        Assert.Equal(mine.Name, (await catalog.CreateDatabaseAsync(account.Id, "same-name", DatabasePlacement.Default, Ct)).Name); // the name is free again
    }

    [Fact]
    public async Task A_reopened_catalog_answers_as_before()
    {
        string accountId, uuid, tokenValue, tokenId;
        using (var catalog = new SqliteCatalog(_data.Path))
        {
            var (account, _) = await catalog.BootstrapAsync("default", "admin-token-0123456789", Ct);
            accountId = account.Id;
            var record = await catalog.CreateDatabaseAsync(accountId, "kept", new DatabasePlacement("weur", "eu", "auto"), Ct);
            uuid = record.Uuid;
            await catalog.UpdateStatsAsync(uuid, new DatabaseStats(3, 8192), Ct);
            var (token, value) = await catalog.CreateTokenAsync(accountId, "reader", TokenPermission.Read, [uuid], Ct);
            (tokenValue, tokenId) = (value, token.Id);
        }
        using (var reopened = new SqliteCatalog(_data.Path))
        {
            var record = await reopened.FindDatabaseAsync(accountId, "kept", Ct);
            Assert.Equal((uuid, "weur", "eu", "auto", 3, 8192L),
                (record?.Uuid, record?.LocationHint, record?.Jurisdiction, record?.ReadReplication, record?.NumTables, record?.FileSize));
            var token = await reopened.FindTokenAsync(tokenValue, Ct);
            Assert.Equal((tokenId, TokenPermission.Read), (token?.Id, token?.Permission));
            Assert.True(await reopened.RevokeTokenAsync(accountId, tokenId, Ct));
            Assert.Null(await reopened.FindTokenAsync(tokenValue, Ct));
            Assert.False(await reopened.RevokeTokenAsync(accountId, tokenId, Ct));
        }
    }

    public void Dispose() => _data.Dispose();
}
