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
        Assert.True(downloadNode.Output.Contains($"Copied exports/{uuid}/{fileName} from node", StringComparison.Ordinal),
            $"{downloadNode.Name} did not read the export from {startNode.Name}:\n{cluster.Logs()}");
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
        var file = Encoding.UTF8.GetBytes("INSERT INTO t VALUES (1);\n");
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
        Assert.True(before.GetProperty("success").GetBoolean(), $"poll through {survivor.Name} of the job on {victim.Name}: {before}");

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

    /// <summary>The running nodes in turn, as a round-robin load balancer hands out requests.</summary>
    Func<ClusterNode> RoundRobin()
    {
        var i = 0;
        return () => cluster.Nodes[i++ % cluster.Nodes.Count];
    }

    /// <summary><paramref name="url"/> (signed by some node) sent to <paramref name="node"/> instead: same path and query.</summary>
    static string On(ClusterNode node, string url)
        => new UriBuilder(url) { Host = node.Client.BaseAddress!.Host, Port = node.Client.BaseAddress.Port }.Uri.ToString();
}
