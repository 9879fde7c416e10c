// Cluster figures on one machine: failover time (SIGKILL of a database's owner until a read through another node
// answers) over N kills, and write latency acknowledged by the shared store (cluster) vs a single node, same run.
//
//   dotnet build -c Release src/Atoll.Server && dotnet run -c Release --project bench/Atoll.Cluster -- [kills=10] [writes=300]
//
// Or: ... -- replica-lag [probes=300] [writers=2]: replica lag across nodes. A database's primary is on the WNAM node and
// its replicas on the WEUR and APAC nodes; writers load it through the WNAM node; a probe writes through the WEUR node and
// reads there with the write's bookmark (that node's replica answers once it has applied the write). Baselines in the
// same run: the same read with no session through the primary's node, and through the WEUR node (a call to the primary).
//
// Or: ... -- throughput [rounds=5] [seconds=10] [databases=200] [clients=32]: aggregate requests/s over many databases,
// a single node (default settings), a 1-node cluster and a 3-node cluster, all in the same run (AggregateThroughput.cs).
//
// Or: ... -- idle-cost [databases=2000] [idleSeconds=300] [clients=64]: memory per open, idle database on a 3-node cluster
// vs a single node (default settings), and whether the idle timeout closes them (IdleDatabaseCost.cs).
//
// Needs Debian's postgresql (scripts/postgres.sh installs it) and s3rver (scripts/compat-install.sh).
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Atoll.Bench;
using Atoll.Cluster;

var mode = args.Length > 0 && !char.IsDigit(args[0][0]) ? args[0] : "failover";
if (mode != "failover") args = args[1..];
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index]) : fallback;
switch (mode)
{
    case "throughput": await AggregateThroughput.RunAsync(Arg(0, 5), Arg(1, 10), Arg(2, 200), Arg(3, 32)); return;
    case "idle-cost": await IdleDatabaseCost.RunAsync(Arg(0, 2000), Arg(1, 300), Arg(2, 64)); return;
    case "replica-lag" or "failover": break;
    default: throw new ArgumentException($"unknown mode '{mode}': failover (the default), replica-lag, throughput or idle-cost");
}
var replicaLag = mode == "replica-lag";
var kills = Arg(0, replicaLag ? 300 : 10); // probes, in replica-lag
var writes = Arg(1, replicaLag ? 2 : 300); // writers, in replica-lag
await using var rig = await ClusterRig.StartAsync();
var cluster = await rig.NewClusterAsync("bench");
BenchServer?[] nodes = new BenchServer?[3];
string[] regions = ["WNAM", "WEUR", "APAC"];
string[] replication = [.. regions.Select((r, i) => $"--Atoll:Replication:Regions:{i}={r}"), "--Atoll:Replication:BookmarkWait=00:00:10"];
Task<BenchServer> StartNode(int i) => rig.StartNodeAsync(cluster, $"node{i + 1}", regions[i], 64, replication);
nodes[0] = await StartNode(0);
nodes[1] = await StartNode(1);
nodes[2] = await StartNode(2);
await ClusterRig.WaitActiveAsync(nodes[0]!, 3);
if (replicaLag)
{
    await ReplicaLag(nodes[0]!, nodes[1]!, kills, writes);
    return;
}

// Write latency: sequential single-row inserts, each acknowledged once its entry is in the shared store (cluster) or
// synced locally (one node, default settings); the client talks to the first node, wherever the owner is.
var clustered = await WriteLatencies(nodes[0]!, "cluster", writes);
double[] single;
using (var alone = await BenchServer.StartAsync("single", 64, TimeSpan.FromMinutes(2)))
    single = await WriteLatencies(alone, "single", writes);

// Failover: a database on some node other than the one asked; SIGKILL its owner; time until a read through the
// asking node answers again; a fresh node takes the killed one's place before the next round.
var failovers = new List<double>();
for (var k = 0; k < kills; k++)
{
    var front = nodes[k % 3]!;
    var uuid = await front.CreateDatabaseAsync($"failover-{k}-{Guid.NewGuid():N}"[..30]);
    await front.QueryAsync(uuid, "CREATE TABLE t(x); INSERT INTO t VALUES (1)");
    var owner = await OwnerOf(front, uuid);
    var ownerIndex = int.Parse(owner[4..]) - 1;
    if (nodes[ownerIndex] == front) { k--; continue; } // the asking node owns it: pick another database
    var clock = Stopwatch.StartNew();
    rig.Kill(nodes[ownerIndex]!);
    nodes[ownerIndex] = null;
    while (true)
    {
        try
        {
            using var response = await front.Http.PostAsJsonAsync($"{front.Databases}/{uuid}/query", new { sql = "SELECT x FROM t" });
            if (response.IsSuccessStatusCode) break;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
        await Task.Delay(20);
    }
    failovers.Add(clock.Elapsed.TotalMilliseconds);
    Console.WriteLine($"kill {k + 1}: {owner} owned it; answered again through {k % 3 + 1} after {clock.Elapsed.TotalMilliseconds:0} ms");
    nodes[ownerIndex] = await StartNode(ownerIndex);
    await ClusterRig.WaitActiveAsync(front, 3);
}

Console.WriteLine();
Console.WriteLine($"write latency, {writes} sequential inserts (ms): single p50 {P(single, 50):0.00} p99 {P(single, 99):0.00}; " +
    $"cluster p50 {P(clustered, 50):0.00} p99 {P(clustered, 99):0.00}; ratio p50 {P(clustered, 50) / P(single, 50):0.0}x p99 {P(clustered, 99) / P(single, 99):0.0}x");
Console.WriteLine($"failover over {failovers.Count} kills (ms): p50 {P([.. failovers], 50):0} p99 {P([.. failovers], 99):0} max {failovers.Max():0}");

static async Task ReplicaLag(BenchServer primaryNode, BenchServer replicaNode, int probes, int writers)
{
    using var created = await primaryNode.Http.PostAsJsonAsync(primaryNode.Databases, new { name = "replica-lag", primary_location_hint = "wnam" });
    var uuid = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("uuid").GetString()!;
    await primaryNode.QueryAsync(uuid, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
    using (var patch = await primaryNode.Http.PatchAsJsonAsync($"{primaryNode.Databases}/{uuid}", new { read_replication = new { mode = "auto" } }))
        patch.EnsureSuccessStatusCode();
    const string insert = "INSERT INTO t(v) VALUES ('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')", read = "SELECT count(*) AS n FROM t";
    while ((await Session(replicaNode, uuid, read, "first-unconstrained")).ByPrimary) await Task.Delay(50); // until the replica serves

    using var stop = new CancellationTokenSource();
    long written = 0;
    var load = Enumerable.Range(0, writers).Select(async _ =>
    {
        while (!stop.IsCancellationRequested) { await primaryNode.QueryAsync(uuid, insert); Interlocked.Increment(ref written); }
    }).ToArray();
    var replica = new double[probes];
    var primaryHere = new double[probes];
    var primaryThrough = new double[probes];
    var fellBack = 0;
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < probes; i++)
    {
        var write = await Session(replicaNode, uuid, insert, "first-primary");
        var probe = Stopwatch.StartNew();
        if ((await Session(replicaNode, uuid, read, write.Bookmark)).ByPrimary) fellBack++;
        replica[i] = probe.Elapsed.TotalMilliseconds;
        probe.Restart();
        await Session(primaryNode, uuid, read, null);
        primaryHere[i] = probe.Elapsed.TotalMilliseconds;
        probe.Restart();
        await Session(replicaNode, uuid, read, null);
        primaryThrough[i] = probe.Elapsed.TotalMilliseconds;
    }
    var seconds = clock.Elapsed.TotalSeconds;
    await stop.CancelAsync();
    await Task.WhenAll(load);
    Console.WriteLine($"cores: {Environment.ProcessorCount}; {writers} writers through the WNAM node + 1 probe; {written / seconds:0} writes/s; {probes} probes, {fellBack} answered by the primary");
    Console.WriteLine("| read after a write | p50 | p99 | p50 vs primary on its node |");
    Console.WriteLine("|---|---|---|---|");
    foreach (var (name, values) in new[] { ("primary, asked on its node (baseline)", primaryHere), ("primary, asked through the WEUR node", primaryThrough),
        ("WEUR node's replica, with the write's bookmark", replica) })
        Console.WriteLine($"| {name} | {P(values, 50):0.00} ms | {P(values, 99):0.00} ms | {P(values, 50) / P(primaryHere, 50):0.00} |");
}

// A query in a session (null: none); whether the primary answered and the bookmark of the answer.
static async Task<(bool ByPrimary, string? Bookmark)> Session(BenchServer server, string uuid, string sql, string? session)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, $"{server.Databases}/{uuid}/query") { Content = JsonContent.Create(new { sql }) };
    if (session is not null) request.Headers.Add("x-cf-d1-session-commit-token", session);
    using var response = await server.Http.SendAsync(request);
    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException(body.ToString());
    return (body.GetProperty("result")[0].GetProperty("meta").GetProperty("served_by_primary").GetBoolean(),
        response.Headers.TryGetValues("x-d1-bookmark", out var values) ? values.Single() : null);
}

static async Task<double[]> WriteLatencies(BenchServer server, string name, int count)
{
    var uuid = await server.CreateDatabaseAsync($"latency-{name}-{Guid.NewGuid():N}"[..30]);
    await server.QueryAsync(uuid, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
    for (var i = 0; i < 20; i++) await server.QueryAsync(uuid, "INSERT INTO t(v) VALUES ('warm')");
    var times = new double[count];
    for (var i = 0; i < count; i++)
    {
        var clock = Stopwatch.StartNew();
        await server.QueryAsync(uuid, "INSERT INTO t(v) VALUES ('x')");
        times[i] = clock.Elapsed.TotalMilliseconds;
    }
    return times;
}

static async Task<string> OwnerOf(BenchServer server, string uuid)
    => (await ClusterRig.NodesAsync(server))
        .First(n => n.GetProperty("databases").EnumerateArray().Any(d => d.GetString() == uuid)).GetProperty("name").GetString()!;

static double P(double[] values, int percentile) => Percentile.Of(values, percentile);
