using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Atoll.Server.Tests;

public sealed class HostingTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "atoll-hosting-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task First_start_generates_an_owner_only_admin_token_file_that_survives_restarts()
    {
        var dir = NewDataDirectory();
        var server = await StartWithoutTokenAsync(dir);
        var file = Path.Combine(dir, "admin-token");
        Assert.True(File.Exists(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var token = (await File.ReadAllTextAsync(file, Ct)).Trim();
        using (var client = server.NewClient(token))
            Assert.Equal(200, (int)(await client.GetAsync("/client/v4/accounts", Ct)).StatusCode);
        var uuid = await CreateWithDataAsync(server, token);
        await server.StopAsync(deleteData: false);

        var again = await StartWithoutTokenAsync(dir);
        using (var client = again.NewClient(token))
        {
            var rows = await Reply.ReadAsync(await client.PostAsync($"{again.Databases()}/{uuid}/query",
                AtollServer.Json(new { sql = "SELECT v FROM t" }), Ct));
            Assert.Equal("""[{"v":"kept"}]""", rows.Result[0].GetProperty("results").GetRawText());
        }
        Assert.Equal(token, (await File.ReadAllTextAsync(file, Ct)).Trim());
        await again.StopAsync(deleteData: true);
    }

    [Fact]
    public async Task An_explicit_admin_token_replaces_the_previous_one()
    {
        var dir = NewDataDirectory();
        var first = await AtollServer.StartAsync(dir, "first-admin-token-value");
        await first.StopAsync(deleteData: false);
        var second = await AtollServer.StartAsync(dir, "second-admin-token-value");
        using var old = second.NewClient("first-admin-token-value");
        Assert.Equal(401, (int)(await old.GetAsync("/client/v4/accounts", Ct)).StatusCode);
        Assert.Equal(200, (int)(await second.Client.GetAsync("/client/v4/accounts", Ct)).StatusCode);
        await second.StopAsync(deleteData: true);
    }

    [Fact]
    public async Task Healthz_answers_once_ready()
    {
        await using var server = await AtollServer.StartAsync();
        var health = await server.NewClient(null).GetFromJsonAsync<JsonElement>("/healthz", Ct);
        Assert.Equal("ok", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Idle_databases_deactivate_and_close_their_files()
    {
        await using var server = await AtollServer.StartAsync(extraArgs: ["--Atoll:IdleTimeout=00:00:02"]);
        var uuid = await server.CreateDatabaseAsync();
        Assert.True((await server.QueryAsync(uuid, new { sql = "CREATE TABLE t(a); INSERT INTO t VALUES (1)" })).Success);
        var file = Path.Combine(server.DataDirectory, "databases", uuid, "db.sqlite");
        Assert.True(IsOpenByThisProcess(file));
        var deadline = Stopwatch.StartNew();
        while (IsOpenByThisProcess(file) && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(250, Ct);
        Assert.False(IsOpenByThisProcess(file), "the idle database's file is still open");
        // …and it reopens on demand with its data.
        var reply = await server.QueryAsync(uuid, new { sql = "SELECT a FROM t" });
        Assert.Equal("""[{"a":1}]""", reply.Result[0].GetProperty("results").GetRawText());
    }

    [Fact]
    public async Task Open_databases_stay_within_the_budget_and_reopen_on_demand()
    {
        await using var server = await AtollServer.StartAsync(extraArgs: ["--Atoll:MaxOpenDatabases=5"]);
        var uuids = new List<string>();
        for (var i = 0; i < 15; i++)
        {
            var uuid = await server.CreateDatabaseAsync();
            Assert.True((await server.QueryAsync(uuid, new { sql = "CREATE TABLE t(a); INSERT INTO t VALUES (?)", @params = new[] { i } })).Success);
            uuids.Add(uuid);
        }
        int OpenFiles() => uuids.Count(u => IsOpenByThisProcess(Path.Combine(server.DataDirectory, "databases", u, "db.sqlite")));
        var deadline = Stopwatch.StartNew();
        while (OpenFiles() > 5 && deadline.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100, Ct);
        Assert.InRange(OpenFiles(), 1, 5);
        for (var i = 0; i < uuids.Count; i++) // every database still answers, reopened as needed
        {
            var reply = await server.QueryAsync(uuids[i], new { sql = "SELECT a FROM t" });
            Assert.Equal("[{\"a\":" + i + "}]", reply.Result[0].GetProperty("results").GetRawText());
        }
    }

    static bool IsOpenByThisProcess(string file)
        => new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Any(fd => fd.LinkTarget is { } target && target.StartsWith(file, StringComparison.Ordinal));

    // No --admin-token: the server must generate one (ATOLL_ADMIN_TOKEN is not set in tests).
    static Task<AtollServer> StartWithoutTokenAsync(string dir) => AtollServer.StartWithoutAdminTokenAsync(dir);

    static async Task<string> CreateWithDataAsync(AtollServer server, string token)
    {
        using var client = server.NewClient(token);
        var uuid = await server.CreateDatabaseAsync(client: client);
        await client.PostAsync($"{server.Databases()}/{uuid}/query", AtollServer.Json(new { sql = "CREATE TABLE t(v); INSERT INTO t VALUES ('kept')" }), Ct);
        return uuid;
    }
}
