using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Atoll.Bench;

// Replica lag under a sustained write load, through the REST API of a real Atoll server (a separate process, Release)
// with one replica (WEUR) of a database whose primary is in WNAM. W writers insert without pause; a probe session
// writes a row, then reads with the write's bookmark (the replica answers once it has applied it): the time from the
// write's answer to the replica's answer is how long a commit takes to become readable on the replica. The baseline,
// in the same run, is the same read sent to the primary right after (no session: the primary answers at once).
// Usage: dotnet build -c Release src/Atoll.Server && dotnet run -c Release --project bench/Atoll.ReplicaLag -- [seconds=20] [writers=4]
// Or: ... -- throughput [seconds=10]: writes/s and reads/s of one hot database with 0, 1 and 2 replicas, in one run.
if (args.Length > 0 && args[0] == "throughput")
{
    await ThroughputAsync(args.Length > 1 ? int.Parse(args[1]) : 10);
    return;
}
var seconds = args.Length > 0 ? int.Parse(args[0]) : 20;
var writers = args.Length > 1 ? int.Parse(args[1]) : 4;
using var server = await BenchServer.StartAsync("replica-lag", 32, TimeSpan.FromSeconds(100), "--Atoll:Region=WNAM", "--Atoll:Replication:Regions:0=WEUR", "--Atoll:Replication:BookmarkWait=00:00:10");
var http = server.Http;
var databases = server.Databases;
var uuid = (await Send(http, HttpMethod.Post, databases, """{"name":"replica-lag"}""", null)).Body.GetProperty("result").GetProperty("uuid").GetString();
var query = $"{databases}/{uuid}/query";
await Send(http, HttpMethod.Post, query, """{"sql":"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)"}""", null);
await Send(http, HttpMethod.Patch, $"{databases}/{uuid}", """{"read_replication":{"mode":"auto"}}""", null);
var insert = """{"sql":"INSERT INTO t(v) VALUES ('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')"}""";
var read = """{"sql":"SELECT count(*) AS n FROM t"}""";
// Warm-up until the replica serves.
while ((await Send(http, HttpMethod.Post, query, read, "first-unconstrained")).Body.GetProperty("result")[0].GetProperty("meta").GetProperty("served_by_primary").GetBoolean())
    await Task.Delay(50);

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
long writes = 0;
var load = Enumerable.Range(0, writers).Select(async _ =>
{
    while (!stop.IsCancellationRequested) { await Send(http, HttpMethod.Post, query, insert, null); Interlocked.Increment(ref writes); }
}).ToArray();
var replica = new List<double>();
var primary = new List<double>();
var fellBack = 0;
while (!stop.IsCancellationRequested)
{
    var write = await Send(http, HttpMethod.Post, query, insert, null);
    var clock = Stopwatch.StartNew();
    var answer = await Send(http, HttpMethod.Post, query, read, write.Bookmark);
    replica.Add(clock.Elapsed.TotalMilliseconds);
    if (answer.Body.GetProperty("result")[0].GetProperty("meta").GetProperty("served_by_primary").GetBoolean()) fellBack++;
    clock.Restart();
    await Send(http, HttpMethod.Post, query, read, null);
    primary.Add(clock.Elapsed.TotalMilliseconds);
}
await Task.WhenAll(load);
var status = (await Send(http, HttpMethod.Get, $"{databases}/{uuid}/replicas", null, null)).Body.GetProperty("result");
Console.WriteLine($"cores: {Environment.ProcessorCount}; {seconds} s; {writers} writers + 1 probe; {writes / (double)seconds:0} writes/s; {replica.Count} probes, {fellBack} answered by the primary");
Console.WriteLine($"replica status after the run: {status}");
Console.WriteLine("| read after a write | p50 | p99 |");
Console.WriteLine("|---|---|---|");
Console.WriteLine($"| primary (baseline) | {Percentile(primary, 0.50):0.00} ms | {Percentile(primary, 0.99):0.00} ms |");
Console.WriteLine($"| replica, with the write's bookmark | {Percentile(replica, 0.50):0.00} ms | {Percentile(replica, 0.99):0.00} ms |");
Console.WriteLine($"| ratio replica / primary | **{Percentile(replica, 0.50) / Percentile(primary, 0.50):0.00}** | {Percentile(replica, 0.99) / Percentile(primary, 0.99):0.00} |");
// Where the lag goes: the server's own commit-to-apply histogram (every entry, every writer) against the probe's
// end-to-end figure; the rest is the wake-up of the waiting read and the read itself. Bucket bounds, so "at most".
var metrics = await http.GetStringAsync("/metrics");
var buckets = metrics.Split('\n').Where(l => l.StartsWith("atoll_replica_apply_lag_seconds_bucket{", StringComparison.Ordinal))
    .Select(l => (Le: l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..l.LastIndexOf('"')], Count: double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)))
    .ToList();
if (buckets.Count > 0)
{
    var total = buckets[^1].Count;
    string AtMost(double q) => buckets.First(b => b.Count >= q * total).Le;
    Console.WriteLine($"commit-to-apply on the replica (server histogram, {total} entries): p50 <= {AtMost(0.50)} s, p99 <= {AtMost(0.99)} s");
}

// Two writers and four readers (sessions starting first-unconstrained, so replicas may answer) on one database.
static async Task ThroughputAsync(int seconds)
{
    Console.WriteLine($"cores: {Environment.ProcessorCount}; {seconds} s per configuration; 2 writers + 4 readers");
    Console.WriteLine("| replicas | writes/s | reads/s | reads answered by a replica | writes/s vs 0 | reads/s vs 0 |");
    Console.WriteLine("|---|---|---|---|---|---|");
    double baseWrites = 0, baseReads = 0;
    foreach (var count in new[] { 0, 1, 2 })
    {
        string[] regions = [.. new[] { "WEUR", "APAC" }.Take(count).Select((r, i) => $"--Atoll:Replication:Regions:{i}={r}")];
        using var server = await BenchServer.StartAsync("replica-throughput", 32, TimeSpan.FromSeconds(100), ["--Atoll:Region=WNAM", .. regions]);
        var http = server.Http;
        var uuid = (await Send(http, HttpMethod.Post, server.Databases, """{"name":"hot"}""", null)).Body.GetProperty("result").GetProperty("uuid").GetString();
        var query = $"{server.Databases}/{uuid}/query";
        await Send(http, HttpMethod.Post, query, """{"sql":"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) INSERT INTO t(v) SELECT 'row ' || n FROM s"}""", null);
        await Send(http, HttpMethod.Patch, $"{server.Databases}/{uuid}", """{"read_replication":{"mode":"auto"}}""", null);
        var read = """{"sql":"SELECT v FROM t WHERE id = 500"}""";
        while (count > 0 && (await Send(http, HttpMethod.Post, query, read, "first-unconstrained")).Body.GetProperty("result")[0].GetProperty("meta").GetProperty("served_by_primary").GetBoolean())
            await Task.Delay(50);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long writes = 0, reads = 0, fromReplicas = 0;
        var writers = Enumerable.Range(0, 2).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Send(http, HttpMethod.Post, query, """{"sql":"INSERT INTO t(v) VALUES ('w')"}""", null);
                Interlocked.Increment(ref writes);
            }
        });
        var readers = Enumerable.Range(0, 4).Select(async _ =>
        {
            string? session = "first-unconstrained";
            while (!stop.IsCancellationRequested)
            {
                var answer = await Send(http, HttpMethod.Post, query, read, session);
                session = answer.Bookmark ?? session;
                Interlocked.Increment(ref reads);
                if (!answer.Body.GetProperty("result")[0].GetProperty("meta").GetProperty("served_by_primary").GetBoolean()) Interlocked.Increment(ref fromReplicas);
            }
        });
        await Task.WhenAll(writers.Concat(readers));
        double w = writes / (double)seconds, r = reads / (double)seconds;
        if (count == 0) (baseWrites, baseReads) = (w, r);
        Console.WriteLine($"| {count} | {w:0} | {r:0} | {fromReplicas * 100.0 / Math.Max(1, reads):0}% | {w / baseWrites:0.00} | {r / baseReads:0.00} |");
    }
}

static async Task<(JsonElement Body, string? Bookmark)> Send(HttpClient http, HttpMethod method, string path, string? json, string? session)
{
    using var request = new HttpRequestMessage(method, path);
    if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
    if (session is not null) request.Headers.Add("x-cf-d1-session-commit-token", session);
    using var response = await http.SendAsync(request);
    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {body}");
    return (body, response.Headers.TryGetValues("x-d1-bookmark", out var values) ? values.Single() : null);
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
