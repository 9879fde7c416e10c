using System.Diagnostics;

namespace Atoll.Cli.Tests;

/// <summary><c>dotnet pack</c> makes a tool that <c>dotnet tool install</c> installs and that runs against a server.</summary>
public sealed class ToolPackageTests(CliServer server) : IDisposable
{
    readonly string _work = Path.Combine(Path.GetTempPath(), "atoll-cli-tool-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Pack_then_tool_install_gives_a_working_atoll_command()
    {
        var repo = RepositoryRoot();
        var packages = Path.Combine(_work, "packages");
        var tools = Path.Combine(_work, "tools");
        var environment = new Dictionary<string, string?>
        {
            ["ATOLL_URL"] = server.Url,
            ["ATOLL_TOKEN"] = CliServer.AdminToken,
            ["ATOLL_ACCOUNT"] = server.AccountId,
            ["ATOLL_CONFIG_DIR"] = Path.Combine(_work, "config"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };

        // The tests' own build of the CLI is packed (no second build beside a running one).
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!; // bin/CONFIG/net10.0
        var pack = await AtollProcess.RunAsync("dotnet", ["pack", Path.Combine(repo, "src", "Atoll.Cli"), "--no-build", "-c", configuration, "-o", packages,
            "-nologo", "-v", "q", "-p:Version=0.0.0-test"], "", environment);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.True(File.Exists(Path.Combine(packages, "Atoll.Cli.0.0.0-test.nupkg")), pack.ToString());

        var install = await AtollProcess.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packages, "Atoll.Cli", "--version", "0.0.0-test"],
            "", environment);
        Assert.True(install.ExitCode == 0, install.ToString());

        var atoll = Path.Combine(tools, "atoll");
        var list = await AtollProcess.RunAsync(atoll, ["d1", "list", "--json"], "", environment);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(System.Text.Json.JsonValueKind.Array, list.Json().ValueKind);

        var usage = await AtollProcess.RunAsync(atoll, ["d1", "frobnicate"], "", environment);
        Assert.Equal(2, usage.ExitCode);

        // atoll serve from the installed tool is a whole server.
        const string token = "tool-serve-admin-token-0123456789";
        var serve = new ProcessStartInfo(atoll) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "serve", "--urls", "http://127.0.0.1:0", "--data-dir", Path.Combine(_work, "data"), "--admin-token", token }) serve.ArgumentList.Add(arg);
        using var server2 = Process.Start(serve)!;
        try
        {
            string? url = null;
            while (url is null && await server2.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
                if (line.Contains("Atoll listening on ", StringComparison.Ordinal)) url = line[(line.IndexOf("http", StringComparison.Ordinal))..].Trim();
            Assert.NotNull(url);
            var own = new Dictionary<string, string?>(environment) { ["ATOLL_URL"] = url, ["ATOLL_TOKEN"] = token, ["ATOLL_ACCOUNT"] = null };
            var created = await AtollProcess.RunAsync(atoll, ["d1", "create", "from-tool", "--json"], "", own);
            Assert.True(created.ExitCode == 0, created.ToString());
            Assert.Equal("from-tool", created.Json().GetProperty("name").GetString());
        }
        finally
        {
            server2.Kill(entireProcessTree: true);
            await server2.WaitForExitAsync(CancellationToken.None);
        }
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Atoll.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Atoll.slnx not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }
}
