namespace Atoll.Cli.Tests.Profiles;

public sealed class ProfileTests(CliServer server) : IDisposable
{
    readonly Cli _cli = new Cli(server).Set("ATOLL_URL", null).Set("ATOLL_TOKEN", null).Set("ATOLL_ACCOUNT", null);

    [Fact]
    public async Task Login_saves_the_profile_owner_only_and_whoami_uses_it()
    {
        // The admin token sees every account (other tests add some), so this one is named.
        var login = await _cli.RunAsync("login", "--url", server.Url, "--token", CliServer.AdminToken, "--account", server.AccountId, "--json");
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Equal(server.AccountId, login.Json().GetProperty("account_id").GetString());

        var file = Path.Combine(_cli.ConfigDirectory, "profiles.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_cli.ConfigDirectory));
        Assert.Contains(CliServer.AdminToken, await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));

        var whoami = await _cli.RunAsync("whoami", "--json");
        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        var json = whoami.Json();
        Assert.Equal("default", json.GetProperty("profile").GetString());
        Assert.Equal(server.Url, json.GetProperty("url").GetString());
        Assert.Contains(json.GetProperty("accounts").EnumerateArray(), a => a.GetProperty("id").GetString() == server.AccountId);
    }

    [Fact]
    public async Task Login_rewrites_a_loose_profile_file_owner_only()
    {
        Directory.CreateDirectory(_cli.ConfigDirectory);
        var file = Path.Combine(_cli.ConfigDirectory, "profiles.json");
        await File.WriteAllTextAsync(file, "{}", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100); // 644, as an editor might leave it

        var login = await _cli.RunAsync("login", "--url", server.Url, "--token", CliServer.AdminToken);

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task Login_refuses_a_bad_token_and_saves_nothing()
    {
        var login = await _cli.RunAsync("login", "--url", server.Url, "--token", "not-a-real-token-at-all");

        Assert.Equal(1, login.ExitCode);
        Assert.Single(login.Stderr.Trim().Split('\n'));
        Assert.Contains("Invalid API Token", login.Stderr);
        Assert.False(File.Exists(Path.Combine(_cli.ConfigDirectory, "profiles.json")));
    }

    [Fact]
    public async Task Named_profiles_are_separate_and_environment_variables_override_them()
    {
        Assert.Equal(0, (await _cli.RunAsync("login", "--url", server.Url, "--token", CliServer.AdminToken)).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("--profile", "other", "login", "--url", server.Url, "--token", CliServer.AdminToken)).ExitCode);

        var other = await _cli.RunAsync("whoami", "--profile", "other", "--json");
        Assert.Equal("other", other.Json().GetProperty("profile").GetString());

        var missing = await _cli.RunAsync("whoami", "--profile", "nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No profile 'nope'", missing.Stderr);

        _cli.Set("ATOLL_TOKEN", "overridden-token-that-is-wrong");
        var overridden = await _cli.RunAsync("d1", "list");
        Assert.Equal(1, overridden.ExitCode);
        Assert.Contains("the API token is not valid", overridden.Stderr);
        Assert.DoesNotContain("   at ", overridden.Stderr); // no stack trace
    }

    [Fact]
    public async Task Commands_without_a_token_say_how_to_log_in()
    {
        var run = await _cli.RunAsync("d1", "list");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: Not logged in: run atoll login --url URL --token TOKEN, or set ATOLL_URL and ATOLL_TOKEN.", run.Stderr.Trim());
    }

    [Fact]
    public async Task An_unreachable_server_is_one_line_and_verbose_shows_the_exchange()
    {
        _cli.Set("ATOLL_URL", "http://127.0.0.1:1").Set("ATOLL_TOKEN", "x-token-x");
        var run = await _cli.RunAsync("d1", "list");
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("Could not reach the Atoll server at http://127.0.0.1:1/", run.Stderr);

        _cli.Set("ATOLL_URL", server.Url).Set("ATOLL_TOKEN", CliServer.AdminToken).Set("ATOLL_ACCOUNT", server.AccountId);
        var verbose = await _cli.RunAsync("d1", "list", "--verbose");
        Assert.True(verbose.ExitCode == 0, verbose.ToString());
        Assert.Contains($"> GET {server.Url}/client/v4/accounts/{server.AccountId}/d1/database?page=1", verbose.Stderr);
        Assert.Contains("< 200 OK", verbose.Stderr);
        Assert.DoesNotContain(CliServer.AdminToken, verbose.Stderr);
    }

    public void Dispose() => _cli.Dispose();
}
