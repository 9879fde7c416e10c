namespace Atoll.Client.Tests;

/// <summary>The shared suite on the remote transport: a real Atoll server on loopback, over its REST API.</summary>
public sealed class RemoteD1DatabaseTests(AtollServerFixture server) : D1DatabaseContract
{
    readonly IAtollAdmin _admin = D1Client.OpenAdmin(server.AdminOptions());

    protected override IAtollAdmin Admin => _admin;

    protected override AtollAdminOptions AdminOptions => server.AdminOptions();

    [Fact]
    public async Task The_account_is_found_from_the_token_when_not_configured()
    {
        var name = NewName();
        using var db = D1Client.Open(new D1DatabaseOptions
        {
            Mode = AtollMode.Remote, Url = server.Url, ApiToken = AtollServerFixture.AdminToken, Database = name, CreateIfMissing = true,
        });
        Assert.Equal(1, await db.Prepare("SELECT 1 AS one").FirstAsync<int>("one", Ct));
        Assert.NotNull(await Admin.GetDatabaseAsync(name, Ct));
    }
}
