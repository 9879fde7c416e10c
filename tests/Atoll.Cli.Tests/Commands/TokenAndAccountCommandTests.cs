namespace Atoll.Cli.Tests.Commands;

public sealed class TokenAndAccountCommandTests(CliServer server) : IDisposable
{
    readonly Cli _cli = new(server);

    [Fact]
    public async Task A_created_token_works_until_it_is_revoked()
    {
        var database = Cli.Name("tok");
        await _cli.RunAsync("d1", "create", database);
        var created = await _cli.RunAsync("tokens", "create", "--name", "reader", "--permission", "read", "--database", database, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var id = created.Json().GetProperty("id").GetString()!;
        var secret = created.Json().GetProperty("value").GetString()!;

        var list = await _cli.RunAsync("tokens", "list", "--json");
        var listed = Assert.Single(list.Json().EnumerateArray(), t => t.GetProperty("id").GetString() == id);
        Assert.Equal("read", listed.GetProperty("permission").GetString());
        Assert.False(listed.TryGetProperty("value", out _));

        using var reader = new Cli(server, secret);
        Assert.Equal(0, (await reader.RunAsync("d1", "execute", database, "--command", "SELECT 1")).ExitCode);
        var write = await reader.RunAsync("d1", "execute", database, "--command", "CREATE TABLE t(a)");
        Assert.Equal(1, write.ExitCode);
        Assert.Contains("may only read", write.Stderr);

        Assert.Equal(2, (await _cli.RunAsync("tokens", "revoke", id)).ExitCode); // asks first
        var revoked = await _cli.RunAsync("tokens", "revoke", id, "--yes");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Equal(1, (await reader.RunAsync("d1", "execute", database, "--command", "SELECT 1")).ExitCode);
        Assert.Equal(1, (await _cli.RunAsync("tokens", "revoke", id, "--yes")).ExitCode);
    }

    [Fact]
    public async Task Accounts_are_created_by_the_admin_and_listed()
    {
        var name = Cli.Name("acct");
        var created = await _cli.RunAsync("accounts", "create", name, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var id = created.Json().GetProperty("id").GetString();

        var list = await _cli.RunAsync("accounts", "list", "--json");
        Assert.Contains(list.Json().EnumerateArray(), a => a.GetProperty("id").GetString() == id && a.GetProperty("name").GetString() == name);

        var inNew = await _cli.Set("ATOLL_ACCOUNT", id).RunAsync("d1", "list", "--json");
        Assert.Equal(0, inNew.Json().GetArrayLength());
    }

    public void Dispose() => _cli.Dispose();
}
