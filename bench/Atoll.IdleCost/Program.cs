using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Atoll.Bench;
using Microsoft.Data.Sqlite;

// Many databases on one Atoll server (its own process, Release build), measured from outside as a user sees it:
//   0. warm-up: 200 databases created, written and queried; all idle → the baseline RSS (the server with its code
//      paths warm and nothing open); then the "old" (long history) and "big" (large file) databases of step 4;
//   1. create N databases over REST with C concurrent clients (the create rate; RSS with N catalogued databases);
//   2. one write to each (activation, file, change log; RSS with all of them open);
//   3. wait until every database closed (idle timeout 10 s) and the RSS settled → bytes per idle database;
//   4. cold first queries: a sample of the idle tenants, the old and the big databases, each against a raw
//      Microsoft.Data.Sqlite open + the same query on a copy of the same file (same run), then a warm repeat.
//   Only the first W databases get the write (W = N by default): on a slow machine 100,000 first writes take an hour.
// Usage: dotnet run -c Release --project bench/Atoll.IdleCost -- [count=10000] [sample=500] [clients=64] [history=2000] [bigMb=32] [written=count]
var count = Arg(0, 10_000);
var sample = Arg(1, 500);
var clients = Arg(2, 64);
var history = Arg(3, 2_000);
var bigMb = Arg(4, 32);
var written = Math.Min(count, Arg(5, count));
const int warmUp = 200, special = 12;
var idle = TimeSpan.FromSeconds(10);
Console.WriteLine($"load at start: {File.ReadAllText("/proc/loadavg").Trim()}");

using var server = await BenchServer.StartAsync("idle", clients, TimeSpan.FromMinutes(5), $"--Atoll:IdleTimeout={idle:c}");
var http = server.Http;
var startRss = server.ResidentKib;
const string note = """{"sql":"CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('hello')"}""";
const string read = """{"sql":"SELECT body FROM notes WHERE id = 1"}""";

// 0. Warm-up and the special databases.
var warm = await CreateAll("warm", warmUp);
await ForAll(warm, uuid => Post($"{server.Databases}/{uuid}/query", note));
await ForAll(warm, uuid => Post($"{server.Databases}/{uuid}/query", read));
var (baseline, _) = await SettledWhenIdle();
var old = await CreateAll("old", special);
await ForAll(old, uuid => Post($"{server.Databases}/{uuid}/query", note));
await Parallel.ForAsync(0, special * history, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, _) =>
    await Post($"{server.Databases}/{old[i % special]}/query", $$"""{"sql":"INSERT INTO notes(body) VALUES (?)","params":["commit {{i}}"]}"""));
var big = await CreateAll("big", special);
foreach (var uuid in big)
    await Post($"{server.Databases}/{uuid}/query", $$"""
        {"sql":"CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('hello'); CREATE TABLE blobs(b BLOB); INSERT INTO blobs SELECT randomblob(8000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT {{bigMb * 128}}) SELECT x FROM c)"}
        """);
await SettledWhenIdle();

// 1. Create.
var clock = Stopwatch.StartNew();
var tenants = await CreateAll("tenant", count);
var createRate = count / clock.Elapsed.TotalSeconds;
await Task.Delay(2000);
var catalogedRss = server.ResidentKib;

// 2. One write each.
clock.Restart();
await ForAll(tenants[..written], uuid => Post($"{server.Databases}/{uuid}/query", note));
var writeRate = written / clock.Elapsed.TotalSeconds;
var activeRss = server.ResidentKib;
var activeFiles = OpenDatabaseFiles();

// 3. Idle.
var (idleRss, waited) = await SettledWhenIdle();
var memory = Smaps(server.Pid);

// 4. Cold first queries, each beside a raw open of a copy of the same file.
var random = new Random(42);
var picks = tenants[..written].OrderBy(_ => random.Next()).Take(sample).ToArray();
var copies = Directory.CreateTempSubdirectory("atoll-idle-raw-").FullName;
try
{
    RawQuery(CopyOf(picks[0])); // loads the native library before anything is timed
    var rows = new List<(string Kind, Latencies Latency)>
    {
        ("new (one write)", Cold(picks)),
        ($"old ({history:N0} commits)", Cold(old)),
        ($"big ({bigMb} MB file)", Cold(big)),
    };
    Console.WriteLine($"databases: {count:N0} tenants ({written:N0} written once; +{warmUp} warm-up, {special} old, {special} big); clients: {clients}; load now: {File.ReadAllText("/proc/loadavg").Trim()}");
    Console.WriteLine($"create over REST: {createRate:N0}/s; first write (activation + file + change log): {writeRate:N0}/s");
    Console.WriteLine($"server RSS: at start {Mib(startRss)}; baseline (warm-up done, all idle) {Mib(baseline)}; {count:N0} catalogued {Mib(catalogedRss)} " +
        $"({(catalogedRss - baseline) * 1024.0 / count:N0} B each); all open {Mib(activeRss)} ({activeFiles} database files open); " +
        $"all idle {Mib(idleRss)} after {waited.TotalSeconds:N0} s");
    Console.WriteLine($"per idle database: {(idleRss - baseline) * 1024.0 / count:N0} bytes of RSS over the baseline; " +
        $"{(idleRss - startRss) * 1024.0 / (count + warmUp + 2 * special):N0} bytes over the RSS at start (an upper bound: includes the warm-up's code)");
    Console.WriteLine($"idle RSS by mapping: {string.Join(", ", memory.Select(m => $"{m.Key} {Mib(m.Value)}"))}");
    Console.WriteLine("first query to a closed database (ms)     | Atoll cold p50 / p99 | raw SQLite open+query p50 / p99 | cold/raw p50 | Atoll warm p50 / p99");
    foreach (var (kind, l) in rows)
        Console.WriteLine($"{kind,-42} | {P(l.Cold, 50),6:F2} / {P(l.Cold, 99),6:F2}     | {P(l.Raw, 50),6:F2} / {P(l.Raw, 99),6:F2}                | {P(l.Cold, 50) / P(l.Raw, 50),5:F1}        | {P(l.Warm, 50),5:F2} / {P(l.Warm, 99),5:F2}");
}
finally
{
    Directory.Delete(copies, recursive: true);
}

Latencies Cold(IReadOnlyList<string> uuids)
{
    var result = new Latencies([], [], []);
    foreach (var uuid in uuids)
    {
        var copy = CopyOf(uuid);
        var t = Stopwatch.GetTimestamp();
        RawQuery(copy);
        result.Raw.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        t = Stopwatch.GetTimestamp();
        Post($"{server.Databases}/{uuid}/query", read).GetAwaiter().GetResult();
        result.Cold.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        t = Stopwatch.GetTimestamp();
        Post($"{server.Databases}/{uuid}/query", read).GetAwaiter().GetResult();
        result.Warm.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    }
    return result;
}

string CopyOf(string uuid)
{
    var copy = Path.Combine(copies, uuid + ".sqlite");
    if (!File.Exists(copy)) File.Copy(Path.Combine(server.DataDirectory, "databases", uuid, "db.sqlite"), copy);
    return copy;
}

static void RawQuery(string path)
{
    using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
    connection.Open();
    using var command = connection.CreateCommand();
    command.CommandText = "SELECT body FROM notes WHERE id = 1";
    if (command.ExecuteScalar() as string != "hello") throw new InvalidOperationException($"{path}: unexpected answer");
}

async Task<string[]> CreateAll(string prefix, int n)
{
    var uuids = new string[n];
    await Parallel.ForAsync(0, n, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, _) =>
        uuids[i] = (await Post(server.Databases, $$"""{"name":"{{prefix}}-{{i:000000}}"}""")).GetProperty("result").GetProperty("uuid").GetString()!);
    return uuids;
}

Task ForAll(string[] uuids, Func<string, Task<JsonElement>> request)
    => Parallel.ForAsync(0, uuids.Length, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, _) => await request(uuids[i]));

async Task<JsonElement> Post(string path, string json)
{
    using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
    if (!body.GetProperty("success").GetBoolean()) throw new InvalidOperationException($"{path}: {body}");
    return body;
}

// Every database closed (no descriptor left under databases/), then the RSS stopped falling for 15 s (the server gives
// memory back a few seconds after a wave of closes).
async Task<(long Rss, TimeSpan Waited)> SettledWhenIdle()
{
    var waited = Stopwatch.StartNew();
    while (OpenDatabaseFiles() > 0 && waited.Elapsed < idle * 20) await Task.Delay(1000);
    var (lowest, since) = (server.ResidentKib, Stopwatch.StartNew());
    while (since.Elapsed < TimeSpan.FromSeconds(15) && waited.Elapsed < idle * 30)
    {
        await Task.Delay(1000);
        var rss = server.ResidentKib;
        if (rss < lowest - 1024) (lowest, since) = (rss, Stopwatch.StartNew());
    }
    return (server.ResidentKib, waited.Elapsed);
}

int OpenDatabaseFiles()
{
    var root = Path.Combine(server.DataDirectory, "databases");
    var open = 0;
    foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{server.Pid}/fd"))
    {
        try
        {
            if (new FileInfo(fd).LinkTarget?.StartsWith(root, StringComparison.Ordinal) == true) open++;
        }
        catch (IOException) { } // closed meanwhile
    }
    return open;
}

// Resident KiB by kind of mapping: anonymous (the GC heap, glibc's thread arenas, stacks), [heap] (glibc's main arena),
// code and other files.
static Dictionary<string, long> Smaps(int pid)
{
    var kinds = new Dictionary<string, long>();
    var kind = "";
    foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length > 0 && fields[0].Contains('-') && !fields[0].EndsWith(':'))
            kind = fields.Length < 6 ? "anonymous" : fields[5] == "[heap]" ? "glibc [heap]" : fields[5].StartsWith('[') ? "anonymous"
                : fields[5].Contains("doublemapper") ? "JIT code" : "files (code)";
        else if (fields is ["Rss:", var kb, ..]) kinds[kind] = kinds.GetValueOrDefault(kind) + long.Parse(kb);
    }
    return kinds.OrderByDescending(k => k.Value).ToDictionary();
}

static string Mib(long kib) => $"{kib / 1024.0:N1} MiB";

static double P(List<double> values, int p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index]) : fallback;

record Latencies(List<double> Cold, List<double> Raw, List<double> Warm);
