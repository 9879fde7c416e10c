using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Atoll.Bench;

namespace Atoll.Cluster;

/// <summary>
/// Aggregate throughput over many databases as users load them: concurrent clients, each request a single-row INSERT or a
/// point SELECT on a random one of the databases, sent to a random node's HTTP port. Three setups run side by side in one
/// run — a single node with default settings (the baseline), a 1-node cluster and a 3-node cluster (both in cluster mode
/// on the same PostgreSQL and s3rver) — and take turns, the order rotated each round, so the machine's drift spreads
/// evenly over them.
/// </summary>
static class AggregateThroughput
{
    const int SeedRows = 100;
    static readonly MediaTypeHeaderValue Json = new("application/json");
    static readonly byte[] Insert = Encoding.UTF8.GetBytes("""{"sql":"INSERT INTO t(v) VALUES ('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')"}""");
    static readonly byte[][] Reads = [.. Enumerable.Range(1, SeedRows).Select(id => Encoding.UTF8.GetBytes($$"""{"sql":"SELECT v FROM t WHERE id = {{id}}"}"""))];

    sealed record Setup(string Name, BenchServer[] Nodes, string[] Databases);

    sealed record Round(double RequestsPerSecond, long Errors, string? FirstError);

    public static async Task RunAsync(int rounds, int seconds, int databases, int clients)
    {
        Console.WriteLine($"cores: {Environment.ProcessorCount}; load at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{databases} databases per setup, {clients} clients, {rounds} rounds of {seconds} s per setup; each request an INSERT or a point SELECT (1:1)");
        await using var rig = await ClusterRig.StartAsync();
        using var single = await BenchServer.StartAsync("single", clients, TimeSpan.FromMinutes(2));
        var oneNode = await rig.NewClusterAsync("one");
        var threeNodes = await rig.NewClusterAsync("three");
        var solo = await rig.StartNodeAsync(oneNode, "solo", "WNAM", clients);
        BenchServer[] trio =
        [
            await rig.StartNodeAsync(threeNodes, "node1", "WNAM", clients),
            await rig.StartNodeAsync(threeNodes, "node2", "WEUR", clients),
            await rig.StartNodeAsync(threeNodes, "node3", "APAC", clients),
        ];
        await ClusterRig.WaitActiveAsync(solo, 1);
        await ClusterRig.WaitActiveAsync(trio[0], 3);

        Setup[] setups =
        [
            new("single node, default settings (baseline)", [single], await PrepareAsync([single], databases, clients)),
            new("cluster of 1 node", [solo], await PrepareAsync([solo], databases, clients)),
            new("cluster of 3 nodes", trio, await PrepareAsync(trio, databases, clients)),
        ];
        foreach (var setup in setups) await LoadAsync(setup, 3, clients); // warm-up: JIT, connections, every database opened
        var spread = await ClusterRig.NodesAsync(trio[0]);
        Console.WriteLine("3-node cluster, databases open per node after the warm-up: "
            + string.Join(", ", spread.Select(n => $"{n.GetProperty("name").GetString()} {n.GetProperty("num_databases")}")));

        var results = setups.ToDictionary(s => s, _ => new List<Round>());
        for (var r = 0; r < rounds; r++)
        {
            for (var k = 0; k < setups.Length; k++)
            {
                var setup = setups[(r + k) % setups.Length];
                var round = await LoadAsync(setup, seconds, clients);
                results[setup].Add(round);
                Console.WriteLine($"round {r + 1}, {setup.Name}: {round.RequestsPerSecond:0} requests/s, {round.Errors} errors{(round.FirstError is null ? "" : $" (first: {round.FirstError})")}");
            }
        }

        var baseline = Percentile.Median(results[setups[0]].Select(x => x.RequestsPerSecond));
        Console.WriteLine();
        Console.WriteLine($"load at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| setup | requests/s per round | median | ratio to the single node | errors |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var setup in setups)
        {
            var values = results[setup].Select(x => x.RequestsPerSecond).ToArray();
            var median = Percentile.Median(values);
            Console.WriteLine($"| {setup.Name} | {string.Join(" / ", values.Select(v => v.ToString("0")))} | {median:0} | {median / baseline:0.00} | {results[setup].Sum(x => x.Errors)} |");
        }
        var one = Percentile.Median(results[setups[1]].Select(x => x.RequestsPerSecond));
        var three = Percentile.Median(results[setups[2]].Select(x => x.RequestsPerSecond));
        Console.WriteLine($"3 nodes / 1 node (both cluster mode): {three / one:0.00}");
    }

    /// <summary>Creates the databases through the nodes in turn, each with a table of <see cref="SeedRows"/> rows.</summary>
    static async Task<string[]> PrepareAsync(BenchServer[] nodes, int count, int clients)
    {
        var uuids = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, _) =>
        {
            var node = nodes[i % nodes.Length];
            uuids[i] = await node.CreateDatabaseAsync($"load-{i:0000}");
            await node.QueryAsync(uuids[i], "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); " +
                $"INSERT INTO t(v) SELECT 'seed' FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT {SeedRows}) SELECT x FROM c)");
        });
        return uuids;
    }

    static async Task<Round> LoadAsync(Setup setup, int seconds, int clients)
    {
        long done = 0, errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var random = new Random(client);
            while (clock.Elapsed < until)
            {
                var node = setup.Nodes[random.Next(setup.Nodes.Length)];
                var uuid = setup.Databases[random.Next(setup.Databases.Length)];
                var body = random.Next(2) == 0 ? Insert : Reads[random.Next(SeedRows)];
                try
                {
                    using var content = new ByteArrayContent(body) { Headers = { ContentType = Json } };
                    using var response = await node.Http.PostAsync($"{node.Databases}/{uuid}/query", content);
                    var answer = await response.Content.ReadAsStringAsync();
                    if (response.IsSuccessStatusCode) Interlocked.Increment(ref done);
                    else if (Interlocked.Increment(ref errors) == 1) firstError = answer;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    if (Interlocked.Increment(ref errors) == 1) firstError = ex.Message;
                }
            }
        }));
        return new Round(done / clock.Elapsed.TotalSeconds, errors, firstError);
    }
}
