using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Atoll.Cluster.Tests;

/// <summary>
/// Transfer jobs when their node leaves: a drain waits for the import running on the leaving node and sends new jobs to
/// other nodes; an export that finished on a node stopped with SIGTERM is still answered, and downloaded, through another
/// node; a file uploaded to a node that then stopped is still ingested through another. These tests stop nodes, so they have a cluster of their own (started once for the class).
/// </summary>
public sealed class TransferDrainTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    /// <summary>Rows counted by each slow statement of <see cref="SlowImport"/>: a second or two of one core's time.</summary>
    const int Counted = 4_000_000;

    [Fact]
    public async Task Drain_waits_for_the_import_running_on_the_node_and_places_new_jobs_elsewhere()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var (leaving, through) = (cluster.Nodes[1], cluster.Nodes[0]);
        var uuid = await ClusterFixture.CreateDatabaseAsync(through, $"drain-import-{Guid.NewGuid():N}"[..30], null, ct);
        var other = await TransferTests.CreateFilledAsync(through, "drain-export", ct);

        // The whole import goes through the leaving node: the upload lands there and its job runs there.
        const int rows = 1000, slow = 4;
        var (etag, filename) = await UploadAsync(leaving, uuid, SlowImport(slow, rows), ct);
        var state = await TransferTests.PostAsync(leaving, $"{leaving.Databases}/{uuid}/import", new { action = "ingest", etag, filename }, ct);
        Assert.True(state.GetProperty("status").GetString() == "active", $"the import finished before the drain could start: make it slower: {state}");
        await leaving.WaitForOutputAsync($"Started import job import:{uuid}", "the import runs on the node it was sent to", ct);

        var beforeDrain = leaving.Output.Length; // its earlier processes may have left a cluster already
        var drain = through.Client.PostAsync($"/client/v4/cluster/nodes/{leaving.Name}/drain", null, ct);
        await leaving.WaitForOutputAsync("Leaving the cluster", "the drain began", ct, since: beforeDrain);

        // A new job sent to the leaving node runs on another one.
        var export = await TransferTests.PostAsync(leaving, $"{leaving.Databases}/{other}/export", new { output_format = "polling" }, ct);
        export = await TransferTests.PollAsync(export, s => TransferTests.PostAsync(through, $"{through.Databases}/{other}/export",
            new { output_format = "polling", current_bookmark = s.GetProperty("at_bookmark").GetString() }, ct), ct);
        Assert.True(export.GetProperty("status").GetString() == "complete", $"export started through draining {leaving.Name}: {export}\n{cluster.Logs()}");
        var ranOn = await cluster.NodeThatLoggedAsync($"Started export job export:{other}", "the export ran", ct);
        Assert.True(ranOn != leaving, $"the export of {other} started on draining {leaving.Name}:\n{cluster.Logs()}");

        // The import finishes on the leaving node, which waited for it, and polls through another node answer it.
        state = await TransferTests.PollAsync(state, s => TransferTests.PostAsync(through, $"{through.Databases}/{uuid}/import",
            new { action = "poll", current_bookmark = s.GetProperty("at_bookmark").GetString() }, ct), ct);
        Assert.True(state.GetProperty("status").GetString() == "complete", $"import polled through {through.Name} while {leaving.Name} drained: {state}\n{cluster.Logs()}");
        Assert.Equal(2 + slow + rows, state.GetProperty("result").GetProperty("num_queries").GetInt32());
        using (var answer = await drain)
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync(ct));
        Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromMinutes(2), ct), $"{leaving.Name} did not leave:\n{leaving.Output}");
        Assert.Contains($"Waiting for 1 transfer jobs running here: import:{uuid}", leaving.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("transfer jobs unfinished", leaving.Output[beforeDrain..], StringComparison.Ordinal);

        // After the node left, the finished import is still answered, from its kept outcome.
        var after = await TransferTests.PostAsync(through, $"{through.Databases}/{uuid}/import",
            new { action = "poll", current_bookmark = state.GetProperty("at_bookmark").GetString() }, ct);
        Assert.True(after.GetProperty("status").GetString() == "complete", $"poll through {through.Name} after {leaving.Name} left: {after}");
        var (status, body) = await through.QueryAsync(uuid, "SELECT (SELECT count(*) FROM imported) AS n, (SELECT sum(n) FROM counted) AS counted", null, ct);
        Assert.True(status == 200, body.ToString());
        var row = body.GetProperty("result")[0].GetProperty("results")[0];
        Assert.Equal((rows, (long)slow * Counted), (row.GetProperty("n").GetInt32(), row.GetProperty("counted").GetInt64()));
    }

    [Fact]
    public async Task Finished_export_is_answered_and_downloaded_through_another_node_after_its_node_stopped()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var (leaving, through) = (cluster.Nodes[2], cluster.Nodes[0]);
        var uuid = await TransferTests.CreateFilledAsync(through, "left-export", ct);
        var state = await TransferTests.PostAsync(leaving, $"{leaving.Databases}/{uuid}/export", new { output_format = "polling" }, ct);
        state = await TransferTests.PollAsync(state, s => TransferTests.PostAsync(leaving, $"{leaving.Databases}/{uuid}/export",
            new { output_format = "polling", current_bookmark = s.GetProperty("at_bookmark").GetString() }, ct), ct);
        Assert.True(state.GetProperty("status").GetString() == "complete", $"export through {leaving.Name}: {state}\n{cluster.Logs()}");
        await leaving.WaitForOutputAsync($"Started export job export:{uuid}", "the export runs on the node it was sent to", ct);
        var fileName = state.GetProperty("result").GetProperty("filename").GetString()!;

        await leaving.TerminateAsync(); // SIGTERM: a drain
        Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromMinutes(2), ct), $"{leaving.Name} did not stop:\n{leaving.Output}");

        var after = await TransferTests.PostAsync(through, $"{through.Databases}/{uuid}/export",
            new { output_format = "polling", current_bookmark = state.GetProperty("at_bookmark").GetString() }, ct);
        Assert.True(after.GetProperty("success").GetBoolean() && after.GetProperty("status").GetString() == "complete",
            $"poll through {through.Name} after {leaving.Name}, which ran the export, stopped: {after}\n{cluster.Logs()}");
        Assert.Equal(fileName, after.GetProperty("result").GetProperty("filename").GetString());
        Assert.True(cluster.Nodes.Any(n => n != leaving && File.Exists(Path.Combine(n.DataDirectory, "transfers", "exports", uuid, fileName))),
            $"no other node took over {fileName}:\n{leaving.Output}");

        string dump;
        using (var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) })
        using (var download = await http.GetAsync(LoadBalancedTransferTests.On(through, after.GetProperty("result").GetProperty("signed_url").GetString()!), ct))
        {
            dump = await download.Content.ReadAsStringAsync(ct);
            Assert.True(download.IsSuccessStatusCode, $"download through {through.Name}: {(int)download.StatusCode} {dump[..Math.Min(dump.Length, 2000)]}");
        }
        var rows = await TransferTests.RowsAsync(through, uuid, ct);
        Assert.Equal(TransferTests.Rows, rows.Count);
        foreach (var (id, v) in rows)
            Assert.True(dump.Contains($"INSERT INTO \"t\" (\"id\",\"v\") VALUES({id},'{v}');\n", StringComparison.Ordinal),
                $"row {id} is missing from the {dump.Length}-character dump");
    }

    [Fact]
    public async Task Upload_that_reached_a_node_before_it_stopped_is_ingested_through_another_node()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var (leaving, through) = (cluster.Nodes[1], cluster.Nodes[0]);
        var uuid = await ClusterFixture.CreateDatabaseAsync(through, $"left-upload-{Guid.NewGuid():N}"[..30], null, ct);
        const int rows = 500;
        var (etag, filename) = await UploadAsync(leaving, uuid, SlowImport(slow: 1, rows), ct);

        // The node the file was uploaded to stops (SIGTERM: a drain) before the client asks for the ingest.
        await leaving.TerminateAsync();
        Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromMinutes(2), ct), $"{leaving.Name} did not stop:\n{leaving.Output}");

        var state = await TransferTests.PostAsync(through, $"{through.Databases}/{uuid}/import", new { action = "ingest", etag, filename }, ct);
        state = await TransferTests.PollAsync(state, s => TransferTests.PostAsync(through, $"{through.Databases}/{uuid}/import",
            new { action = "poll", current_bookmark = s.GetProperty("at_bookmark").GetString() }, ct), ct);
        Assert.True(state.GetProperty("status").GetString() == "complete",
            $"ingest through {through.Name} of a file uploaded to {leaving.Name}, which then stopped: {state}\n{leaving.Output}\n{cluster.Logs()}");
        var (status, body) = await through.QueryAsync(uuid, "SELECT count(*) AS n FROM imported", null, ct);
        Assert.True(status == 200, body.ToString());
        Assert.Equal(rows, body.GetProperty("result")[0].GetProperty("results")[0].GetProperty("n").GetInt32());
    }

    /// <summary>
    /// An import file that takes a while to run: tables <c>imported(id, v)</c> (<paramref name="rows"/> rows) and
    /// <c>counted(n)</c>, into which each of <paramref name="slow"/> statements writes a count of <see cref="Counted"/> rows.
    /// </summary>
    internal static byte[] SlowImport(int slow, int rows)
    {
        var sql = new StringBuilder("CREATE TABLE imported(id INTEGER PRIMARY KEY, v TEXT);\nCREATE TABLE counted(n INTEGER);\n");
        for (var i = 0; i < rows; i++)
        {
            if (i % (rows / slow) == 0 && i / (rows / slow) < slow)
                sql.Append($"INSERT INTO counted SELECT count(*) FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {Counted}) SELECT i FROM c);\n");
            sql.Append($"INSERT INTO imported VALUES ({i + 1}, 'row {i + 1}');\n");
        }
        return Encoding.UTF8.GetBytes(sql.ToString());
    }

    /// <summary>D1's import upload through <paramref name="node"/>: <c>init</c>, then the file PUT to the signed URL (so it lands on that node).</summary>
    static async Task<(string Etag, string Filename)> UploadAsync(ClusterNode node, string uuid, byte[] file, CancellationToken ct)
    {
        var etag = Convert.ToHexStringLower(MD5.HashData(file));
        var init = await TransferTests.PostAsync(node, $"{node.Databases}/{uuid}/import", new { action = "init", etag }, ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        using var put = await http.PutAsync(init.GetProperty("upload_url").GetString(), new ByteArrayContent(file), ct);
        Assert.True(put.IsSuccessStatusCode, $"upload to {node.Name}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(ct)}");
        return (etag, init.GetProperty("filename").GetString()!);
    }
}
