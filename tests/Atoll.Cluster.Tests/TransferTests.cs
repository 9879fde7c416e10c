using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Atoll.Cluster.Tests;

/// <summary>
/// D1 import, export, fork and the binding's dump, each sent to a node that does not own the database: files cross nodes in
/// parts through grain calls (the upload to the owner, the dump and the backup back to the receiving node), and a fork's
/// history reaches the shared store before it opens on whichever node it is placed. The files are larger than one part (4 MB).
/// </summary>
/// <remarks>
/// The nodes share this machine's disk, so a path passed between them would still resolve: each test also checks the
/// receiving (or owning) node's log for the copy in parts, and the fork test places the fork away from the receiving node.
/// </remarks>
[Collection("cluster")]
public sealed class TransferTests(ClusterFixture cluster)
{
    internal const int Rows = 100;
    const int RowChars = 100_000; // hex of 50,000 random bytes: 100 rows make a 10 MB file, three parts

    [Fact]
    public async Task Import_through_a_node_that_does_not_own_the_database()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var uuid = await ClusterFixture.CreateTableAsync(cluster.Nodes[0], $"import-{Guid.NewGuid():N}"[..30], ct);
        var (owner, front) = await OwnerAndFrontAsync(uuid, ct);

        var sql = new StringBuilder("CREATE TABLE big(id INTEGER PRIMARY KEY, v TEXT);\n");
        for (var i = 1; i <= Rows; i++) sql.Append($"INSERT INTO big VALUES ({i}, '{new string((char)('a' + i % 26), RowChars)}');\n");
        var file = Encoding.UTF8.GetBytes(sql.ToString());
        var etag = Convert.ToHexStringLower(MD5.HashData(file));

        var init = await PostAsync(front, $"{front.Databases}/{uuid}/import", new { action = "init", etag }, ct);
        using (var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) })
        using (var put = await http.PutAsync(init.GetProperty("upload_url").GetString(), new ByteArrayContent(file), ct))
            Assert.True(put.IsSuccessStatusCode, $"upload to {front.Name}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(ct)}");
        var state = await PostAsync(front, $"{front.Databases}/{uuid}/import",
            new { action = "ingest", etag, filename = init.GetProperty("filename").GetString() }, ct);
        state = await PollAsync(state, s => PostAsync(front, $"{front.Databases}/{uuid}/import",
            new { action = "poll", current_bookmark = s.GetProperty("at_bookmark").GetString() }, ct), ct);
        Assert.True(state.GetProperty("status").GetString() == "complete", $"import through {front.Name}: {state}\n{cluster.Logs()}");
        Assert.Equal(Rows + 1, state.GetProperty("result").GetProperty("num_queries").GetInt32());

        foreach (var node in cluster.Nodes)
        {
            var (status, body) = await node.QueryAsync(uuid, "SELECT count(*) AS n, sum(length(v)) AS chars FROM big", null, ct);
            Assert.True(status == 200, $"{node.Name}: {body}");
            var result = body.GetProperty("result")[0];
            Assert.Equal(Rows, result.GetProperty("results")[0].GetProperty("n").GetInt32());
            Assert.Equal((long)Rows * RowChars, result.GetProperty("results")[0].GetProperty("chars").GetInt64());
            Assert.Equal(owner.Name, result.GetProperty("meta").GetProperty("served_by_colo").GetString());
        }
        // The owner read the upload from the receiving node in parts, and its copy is gone.
        await owner.WaitForOutputAsync($"Copied uploads/{uuid}/{etag}.sql from node", $"the owner copies the upload from {front.Name}", ct);
        Assert.Empty(Staged(owner, "*.sql"));
    }

    [Fact]
    public async Task Export_through_a_node_that_does_not_own_the_database_downloads_the_whole_dump()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var uuid = await CreateFilledAsync(cluster.Nodes[1], "export", ct);
        var (owner, front) = await OwnerAndFrontAsync(uuid, ct);
        var copiesBefore = Copies(front.Output);

        var state = await PostAsync(front, $"{front.Databases}/{uuid}/export", new { output_format = "polling" }, ct);
        state = await PollAsync(state, s => PostAsync(front, $"{front.Databases}/{uuid}/export",
            new { output_format = "polling", current_bookmark = s.GetProperty("at_bookmark").GetString() }, ct), ct);
        Assert.True(state.GetProperty("status").GetString() == "complete", $"export through {front.Name}: {state}\n{cluster.Logs()}");
        var url = state.GetProperty("result").GetProperty("signed_url").GetString()!;
        Assert.StartsWith(front.Process.BaseAddress.ToString().TrimEnd('/'), url, StringComparison.Ordinal);

        string dump;
        using (var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) })
        using (var download = await http.GetAsync(url, ct))
        {
            dump = await download.Content.ReadAsStringAsync(ct);
            Assert.True(download.IsSuccessStatusCode, $"download from {front.Name}: {(int)download.StatusCode} {dump}");
        }
        Assert.StartsWith("PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE t(", dump, StringComparison.Ordinal);
        var rows = await RowsAsync(front, uuid, ct);
        Assert.Equal(Rows, rows.Count);
        foreach (var (id, v) in rows)
            Assert.True(dump.Contains($"INSERT INTO \"t\" (\"id\",\"v\") VALUES({id},'{v}');\n", StringComparison.Ordinal),
                $"row {id} is missing from the {dump.Length}-character dump");
        Assert.Equal(Rows, dump.Split("INSERT INTO").Length - 1);
        await front.WaitForOutputAsync(log => Copies(log) > copiesBefore, $"a copy of the dump from {owner.Name}", ct);
        Assert.Empty(Staged(owner, "*.sql"));
    }

    [Fact]
    public async Task Fork_through_a_node_that_owns_neither_database_opens_on_every_node()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        // The source's hint (WEUR: node2) goes to the fork too, so the fork is placed away from the node that receives it.
        var source = await ClusterFixture.CreateDatabaseAsync(cluster.Nodes[0], $"fork-src-{Guid.NewGuid():N}"[..30], "weur", ct);
        var (owner, front) = await OwnerAndFrontAsync(source, ct, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('before')");
        Assert.Equal("node2", owner.Name);

        var bookmark = (await front.Client.GetFromJsonAsync<JsonElement>($"{front.Databases}/{source}/time_travel/bookmark", ct))
            .GetProperty("result").GetProperty("bookmark").GetString()!;
        Assert.Equal(200, (await front.QueryAsync(source, "INSERT INTO t(v) VALUES ('after')", null, ct)).Status);

        var forked = await PostAsync(front, $"{front.Databases}/{source}/fork", new { name = $"fork-{Guid.NewGuid():N}"[..30], bookmark }, ct);
        var fork = forked.GetProperty("database").GetProperty("uuid").GetString()!;
        Assert.Equal(bookmark, forked.GetProperty("forked_from").GetProperty("bookmark").GetString());

        // Every node reads the state at the bookmark, from the fork's owner, which opened it from the shared store.
        foreach (var node in cluster.Nodes)
        {
            var (status, body) = await node.QueryAsync(fork, "SELECT v FROM t ORDER BY id", null, ct);
            Assert.True(status == 200, $"{node.Name} reading the fork: {body}\n{cluster.Logs()}");
            Assert.Equal(["before"], body.GetProperty("result")[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("v").GetString()));
            Assert.Equal("node2", body.GetProperty("result")[0].GetProperty("meta").GetProperty("served_by_colo").GetString());
        }
        // It is a database of its own: writes through any node land in it and not in the source.
        foreach (var node in cluster.Nodes)
        {
            var (status, body) = await node.QueryAsync(fork, "INSERT INTO t(v) VALUES (?)", [node.Name], ct);
            Assert.True(status == 200, $"{node.Name} writing the fork: {body}");
        }
        var (_, forkRows) = await front.QueryAsync(fork, "SELECT v FROM t ORDER BY id", null, ct);
        Assert.Equal(["before", "node1", "node2", "node3"],
            forkRows.GetProperty("result")[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("v").GetString()));
        var (_, sourceRows) = await front.QueryAsync(source, "SELECT v FROM t ORDER BY id", null, ct);
        Assert.Equal(["before", "after"],
            sourceRows.GetProperty("result")[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("v").GetString()));
    }

    [Fact]
    public async Task Binding_dump_through_a_node_that_does_not_own_the_database_is_the_whole_file()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var uuid = await CreateFilledAsync(cluster.Nodes[2], "dump", ct);
        var (owner, front) = await OwnerAndFrontAsync(uuid, ct);
        var copiesBefore = Copies(front.Output);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/dump");
        request.Headers.Add("x-atoll-database", uuid);
        request.Headers.Add("x-atoll-account", front.Process.AccountId);
        using var response = await front.Client.SendAsync(request, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"dump through {front.Name}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 2000)])}");
        Assert.Equal("application/vnd.sqlite3", response.Content.Headers.ContentType?.MediaType);

        var file = Path.Combine(Path.GetTempPath(), $"atoll-cluster-dump-{Guid.NewGuid():N}.sqlite");
        try
        {
            await File.WriteAllBytesAsync(file, bytes, ct);
            var dumped = new List<(long, string)>();
            await using (var sqlite = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False"))
            {
                await sqlite.OpenAsync(ct);
                await using var select = sqlite.CreateCommand();
                select.CommandText = "SELECT id, v FROM t ORDER BY id";
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) dumped.Add((reader.GetInt64(0), reader.GetString(1)));
            }
            Assert.Equal(await RowsAsync(front, uuid, ct), dumped);
        }
        finally
        {
            File.Delete(file);
        }
        await front.WaitForOutputAsync(log => Copies(log) > copiesBefore, $"a copy of the backup from {owner.Name}", ct);
        // The owner's staged copy is deleted once sent, which may be just after the client has the last byte.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (Staged(owner, "*.sqlite").Length > 0 && DateTime.UtcNow < deadline) await Task.Delay(50, ct);
        Assert.Empty(Staged(owner, "*.sqlite"));
    }

    /// <summary>A database with <c>t(id, v)</c> holding <see cref="Rows"/> rows of <see cref="RowChars"/> random hex characters.</summary>
    internal static async Task<string> CreateFilledAsync(ClusterNode through, string what, CancellationToken ct)
    {
        var uuid = await ClusterFixture.CreateDatabaseAsync(through, $"{what}-{Guid.NewGuid():N}"[..30], null, ct);
        var (status, body) = await through.QueryAsync(uuid,
            "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); " +
            $"INSERT INTO t(v) SELECT hex(randomblob({RowChars / 2})) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows}) SELECT i FROM n)",
            null, ct);
        return status == 200 ? uuid : throw new InvalidOperationException($"fill {what}: {body}");
    }

    /// <summary>
    /// The node that owns <paramref name="uuid"/> (after running <paramref name="sql"/> on it, which opens it) and another
    /// node to send requests through.
    /// </summary>
    async Task<(ClusterNode Owner, ClusterNode Front)> OwnerAndFrontAsync(string uuid, CancellationToken ct, string sql = "SELECT 1")
    {
        var (status, body) = await cluster.Nodes[0].QueryAsync(uuid, sql, null, ct);
        Assert.True(status == 200, $"{sql}: {body}");
        var results = body.GetProperty("result");
        var name = results[results.GetArrayLength() - 1].GetProperty("meta").GetProperty("served_by_colo").GetString();
        var listed = await ClusterFixture.ListAsync(cluster.Nodes[0], ct);
        Assert.Equal(name, listed.Single(n => n.Value.Databases.Contains(uuid)).Key);
        var owner = cluster.Nodes.Single(n => n.Name == name);
        return (owner, cluster.Front(owner));
    }

    internal static async Task<JsonElement> PostAsync(ClusterNode node, string path, object body, CancellationToken ct)
    {
        using var response = await node.Client.PostAsJsonAsync(path, body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {path} through {node.Name}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("result").Clone();
    }

    /// <summary>Polls a D1 import or export until it is no longer active (generous: a loaded machine).</summary>
    internal static async Task<JsonElement> PollAsync(JsonElement state, Func<JsonElement, Task<JsonElement>> poll, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (state.GetProperty("status").GetString() == "active" && DateTime.UtcNow < deadline) state = await poll(state);
        return state;
    }

    internal static async Task<List<(long, string)>> RowsAsync(ClusterNode node, string uuid, CancellationToken ct)
    {
        var (status, body) = await node.QueryAsync(uuid, "SELECT id, v FROM t ORDER BY id", null, ct);
        Assert.True(status == 200, body.ToString());
        return [.. body.GetProperty("result")[0].GetProperty("results").EnumerateArray()
            .Select(r => (r.GetProperty("id").GetInt64(), r.GetProperty("v").GetString()!))];
    }

    /// <summary>How many staged files <paramref name="node"/> has copied from another node, by its log.</summary>
    static int Copies(string log) => log.Split("Copied staging/").Length - 1;

    static string[] Staged(ClusterNode node, string pattern)
    {
        var folder = Path.Combine(node.DataDirectory, "transfers", "staging");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, pattern) : [];
    }
}
