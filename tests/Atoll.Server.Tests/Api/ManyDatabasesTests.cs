using System.Diagnostics;
using System.Text.Json;

namespace Atoll.Server.Tests.Api;

/// <summary>
/// Many databases on one server: concurrent creates (committed to the catalog in batches), listing them page by page
/// and after a restart, databases that were created but never opened, and a fleet that went idle answering again.
/// </summary>
public sealed class ManyDatabasesTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Concurrent_creates_each_get_a_database_a_name_only_once_and_all_list_page_by_page_also_after_a_restart()
    {
        using var data = new TempDataDirectory();
        var token = "many_" + Guid.NewGuid().ToString("N");
        var names = Enumerable.Range(0, 300).Select(i => $"tenant-{i:000}").ToArray();
        var uuids = new Dictionary<string, string>();
        var server = await AtollServer.StartAsync(data.Path, token);
        try
        {
            var created = await Task.WhenAll(names.Select(name => CreateAsync(server, name)));
            Assert.All(created, reply => Assert.True(reply.Success, reply.Text));
            foreach (var reply in created) uuids[reply.Result.GetProperty("name").GetString()!] = reply.Result.GetProperty("uuid").GetString()!;
            Assert.Equal(names.Length, uuids.Values.Distinct().Count());

            // The same new name from many clients at once: exactly one gets it.
            var racing = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => CreateAsync(server, "contested")));
            Assert.Single(racing, reply => reply.Success);
            Assert.All(racing.Where(reply => !reply.Success), reply => Assert.Equal(7502, reply.ErrorCode));
            uuids["contested"] = racing.Single(reply => reply.Success).Result.GetProperty("uuid").GetString()!;

            Assert.Equal(uuids, await ListAllAsync(server));
        }
        finally
        {
            await server.StopAsync(deleteData: false);
        }
        await using (var restarted = await AtollServer.StartAsync(data.Path, token, "--Atoll:IdleTimeout=00:00:02"))
        {
            Assert.Equal(uuids, await ListAllAsync(restarted)); // every batch was committed before its creates were answered
            var some = uuids.Where((_, i) => i % 10 == 0).ToList();
            foreach (var (name, uuid) in some)
                Assert.True((await restarted.QueryAsync(uuid, new { sql = "CREATE TABLE t(v); INSERT INTO t VALUES (?)", @params = new[] { name } })).Success);
            var files = some.Select(pair => Path.Combine(restarted.DataDirectory, "databases", pair.Value, "db.sqlite")).ToList();
            var deadline = Stopwatch.StartNew();
            while (files.Any(IsOpenByThisProcess) && deadline.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(250, Ct);
            Assert.False(files.Any(IsOpenByThisProcess), "idle databases still hold their files");
            foreach (var (name, uuid) in some) // the idle fleet answers again, each with its own data
            {
                var reply = await restarted.QueryAsync(uuid, new { sql = "SELECT v FROM t" });
                Assert.Equal($$"""[{"v":"{{name}}"}]""", reply.Result[0].GetProperty("results").GetRawText());
            }
        }
    }

    [Fact]
    public async Task A_database_first_queried_after_its_creation_has_time_travel_history_from_its_creation()
    {
        await using var server = await AtollServer.StartAsync();
        var uuid = await server.CreateDatabaseAsync();
        var created = DateTimeOffset.UtcNow;
        await Task.Delay(1500, Ct);
        var write = await server.Client.PostAsync($"{server.Databases()}/{uuid}/query",
            AtollServer.Json(new { sql = "CREATE TABLE t(v); INSERT INTO t VALUES ('after')" }), Ct);
        var written = write.Headers.GetValues("x-d1-bookmark").Single();
        Assert.True((await Reply.ReadAsync(write)).Success);

        // Between the create and the first query the database existed, empty: its first bookmark.
        var at = Uri.EscapeDataString(created.AddMilliseconds(500).ToString("O"));
        var empty = await Reply.ReadAsync(await server.Client.GetAsync($"{server.Databases()}/{uuid}/time_travel/bookmark?timestamp={at}", Ct));
        Assert.True(empty.Success, empty.Text);
        var bookmark = empty.Result.GetProperty("bookmark").GetString()!;
        Assert.True(string.CompareOrdinal(bookmark, written) < 0, $"{bookmark} should sort before {written}");
        var restored = await Reply.ReadAsync(await server.Client.PostAsync($"{server.Databases()}/{uuid}/time_travel/restore?bookmark={bookmark}", null, Ct));
        Assert.True(restored.Success, restored.Text);
        var tables = await server.QueryAsync(uuid, new { sql = "SELECT count(*) AS n FROM sqlite_master WHERE name = 't'" });
        Assert.Equal("""[{"n":0}]""", tables.Result[0].GetProperty("results").GetRawText());
    }

    static async Task<Reply> CreateAsync(AtollServer server, string name)
        => await Reply.ReadAsync(await server.Client.PostAsync(server.Databases(), AtollServer.Json(new { name }), Ct));

    static async Task<Dictionary<string, string>> ListAllAsync(AtollServer server)
    {
        var listed = new Dictionary<string, string>();
        for (var page = 1; ; page++)
        {
            var reply = await Reply.ReadAsync(await server.Client.GetAsync($"{server.Databases()}?per_page=50&page={page}", Ct));
            Assert.True(reply.Success, reply.Text);
            var items = reply.Result.EnumerateArray().ToList();
            foreach (var item in items) Assert.True(listed.TryAdd(item.GetProperty("name").GetString()!, item.GetProperty("uuid").GetString()!));
            if (items.Count < 50) break;
        }
        return listed;
    }

    static bool IsOpenByThisProcess(string file)
        => new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Any(fd => fd.LinkTarget is { } target && target.StartsWith(file, StringComparison.Ordinal));
}
