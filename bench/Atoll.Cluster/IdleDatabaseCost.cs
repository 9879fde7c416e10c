using System.Diagnostics;
using System.Text.Json;
using Atoll.Bench;

namespace Atoll.Cluster;

/// <summary>
/// Memory per open, idle database on a 3-node cluster vs a single node with default settings (same run, side by side):
/// 200 warm-up databases opened (one write, one read each), the nodes' RSS once it settles is the baseline; then
/// N more databases opened with one write each, spread over the nodes; the RSS (summed over the nodes) once it settles
/// gives the bytes per open database (over those that opened: a node keeps at most its open-file budget open, about
/// (file limit − 1,024) / 10, and closes the least recently used beyond it). Then the idle timeout must close them all: the node list's <c>num_databases</c>
/// falls to 0, and the RSS after that is reported too.
/// </summary>
static class IdleDatabaseCost
{
    const int WarmUp = 200;
    const string Note = "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('hello')";

    sealed record Result(string Name, long StartKib, long WarmKib, int WarmOpen, long OpenKib, int Open, int[] OpenPerNode, double OpenSeconds,
        double? ClosedAfterSeconds, int OpenAtEnd, long ClosedKib)
    {
        /// <summary>Over the databases that opened between the two measurements (a node over its open-file budget closes some).</summary>
        public double BytesPerOpen => (OpenKib - WarmKib) * 1024.0 / (Open - WarmOpen);
    }

    public static async Task RunAsync(int databases, int idleSeconds, int clients)
    {
        Console.WriteLine($"cores: {Environment.ProcessorCount}; load at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        var idle = TimeSpan.FromSeconds(idleSeconds);
        var idleSetting = $"--Atoll:IdleTimeout={idle:c}";
        await using var rig = await ClusterRig.StartAsync();
        using var server = await BenchServer.StartAsync("idle-single", clients, TimeSpan.FromMinutes(5), idleSetting);
        var cluster = await rig.NewClusterAsync("idle");
        BenchServer[] nodes =
        [
            await rig.StartNodeAsync(cluster, "node1", "WNAM", clients, idleSetting),
            await rig.StartNodeAsync(cluster, "node2", "WEUR", clients, idleSetting),
            await rig.StartNodeAsync(cluster, "node3", "APAC", clients, idleSetting),
        ];
        await ClusterRig.WaitActiveAsync(nodes[0], 3);
        // Both at once: each process's memory is its own, and waiting out the idle timeout once saves many minutes.
        var both = await Task.WhenAll(MeasureAsync("single node, default settings (baseline)", [server], databases, clients, idle),
            MeasureAsync("cluster of 3 nodes", nodes, databases, clients, idle));
        var (single, clustered) = (both[0], both[1]);

        Console.WriteLine();
        Console.WriteLine($"load at end: {File.ReadAllText("/proc/loadavg").Trim()}; {databases:N0} databases opened (one write each) after {WarmUp} warm-up ones; idle timeout {idleSeconds} s");
        Console.WriteLine("| setup | RSS at start | RSS, warm-up open (baseline) | RSS, all open | open (per node) | bytes per open database over the baseline | ratio | open took | all closed (after the all-open measurement) | RSS, all closed |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in new[] { single, clustered })
            Console.WriteLine($"| {r.Name} | {Mib(r.StartKib)} | {Mib(r.WarmKib)} | {Mib(r.OpenKib)} | {r.Open:N0} ({string.Join(" + ", r.OpenPerNode)}) | " +
                $"{r.BytesPerOpen:N0} | {r.BytesPerOpen / single.BytesPerOpen:0.00} | {r.OpenSeconds:0} s | " +
                $"{(r.ClosedAfterSeconds is { } s ? $"{s:0} s" : $"not within the wait ({r.OpenAtEnd:N0} still open)")} | {Mib(r.ClosedKib)} |");
    }

    static async Task<Result> MeasureAsync(string name, BenchServer[] nodes, int databases, int clients, TimeSpan idle)
    {
        long Rss() => nodes.Sum(n => n.ResidentKib);
        var start = Rss();
        var warm = await OpenAsync(nodes, "warm", WarmUp, clients);
        await Parallel.ForAsync(0, warm.Length, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, _) =>
            await nodes[(i + 1) % nodes.Length].QueryAsync(warm[i], "SELECT body FROM notes WHERE id = 1"));
        var warmKib = await SettledAsync(Rss);
        var warmOpen = await ClusterRig.OpenDatabasesAsync(nodes[0]);

        var clock = Stopwatch.StartNew();
        await OpenAsync(nodes, "idle", databases, clients);
        var openSeconds = clock.Elapsed.TotalSeconds;
        var openKib = await SettledAsync(Rss);
        var perNode = (await ClusterRig.NodesAsync(nodes[0])).Select(n => n.GetProperty("num_databases").GetInt32()).ToArray();
        Console.WriteLine($"{name}: {perNode.Sum():N0} open ({string.Join(" + ", perNode)}) after {openSeconds:0} s; RSS {Mib(warmKib)} → {Mib(openKib)}");

        // The idle timeout closes a database between one and one and a half timeouts after its last request.
        clock.Restart();
        double? closedAfter = null;
        var open = perNode.Sum();
        while (clock.Elapsed < idle * 2 + TimeSpan.FromMinutes(1))
        {
            await Task.Delay(2000);
            open = await ClusterRig.OpenDatabasesAsync(nodes[0]);
            if (open == 0) { closedAfter = clock.Elapsed.TotalSeconds; break; }
        }
        var closedKib = await SettledAsync(Rss);
        Console.WriteLine($"{name}: {(closedAfter is { } s ? $"all closed {s:0} s after the all-open measurement" : $"{open} still open")}; RSS {Mib(closedKib)}");
        return new Result(name, start, warmKib, warmOpen, openKib, perNode.Sum(), perNode, openSeconds, closedAfter, open, closedKib);
    }

    /// <summary>Creates databases through the nodes in turn and writes once to each (which opens it: file, change log).</summary>
    static async Task<string[]> OpenAsync(BenchServer[] nodes, string prefix, int count, int clients)
    {
        var uuids = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, _) =>
        {
            var node = nodes[i % nodes.Length];
            uuids[i] = await node.CreateDatabaseAsync($"{prefix}-{i:000000}");
            await node.QueryAsync(uuids[i], Note);
        });
        return uuids;
    }

    /// <summary>The RSS once it has stopped falling for 10 s (the runtime gives memory back a few seconds after a burst), at most 90 s.</summary>
    static async Task<long> SettledAsync(Func<long> rss)
    {
        var waited = Stopwatch.StartNew();
        var (lowest, since) = (rss(), Stopwatch.StartNew());
        while (since.Elapsed < TimeSpan.FromSeconds(10) && waited.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(1000);
            var now = rss();
            if (now < lowest - 1024) (lowest, since) = (now, Stopwatch.StartNew());
        }
        return rss();
    }

    static string Mib(long kib) => $"{kib / 1024.0:N1} MiB";
}
