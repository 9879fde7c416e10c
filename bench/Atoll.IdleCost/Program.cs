using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

// Idle cost of many databases on one Atoll server (a separate process, Release build):
//   1. create N databases and give each a table and a row (activating each grain, creating each file);
//   2. wait for the idle timeout, then read the server's resident memory and open file descriptors;
//   3. query a sample of the now-cold databases: first-query latency (activation + open) vs a warm repeat.
// Usage: dotnet run -c Release --project bench/Atoll.IdleCost -- [count=10000] [sample=500]
var count = args.Length > 0 ? int.Parse(args[0]) : 10_000;
var sample = args.Length > 1 ? int.Parse(args[1]) : 500;
var repo = FindRepo();
var dll = Path.Combine(repo, "src/Atoll.Server/bin/Release/net10.0/Atoll.Server.dll");
if (!File.Exists(dll)) throw new InvalidOperationException($"Build the server first: dotnet build -c Release src/Atoll.Server ({dll})");
var data = Directory.CreateTempSubdirectory("atoll-idle-").FullName;
var token = "idle_" + Guid.NewGuid().ToString("N");
const int port = 18797;
var idle = TimeSpan.FromSeconds(10);
using var server = Process.Start(new ProcessStartInfo("dotnet",
    [dll, "--urls", $"http://127.0.0.1:{port}", "--data-dir", data, "--admin-token", token,
     $"--Atoll:IdleTimeout={idle:c}", "--Logging:LogLevel:Default=Warning"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
var serverLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
void Keep(string? line)
{
    if (line is null) return;
    serverLog.Enqueue(line);
    while (serverLog.Count > 40) serverLog.TryDequeue(out _);
}
server.OutputDataReceived += (_, e) => Keep(e.Data);
server.ErrorDataReceived += (_, e) => Keep(e.Data);
server.BeginOutputReadLine();
server.BeginErrorReadLine();
try
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    for (var i = 0; ; i++)
    {
        try { if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) break; } catch (HttpRequestException) when (i < 120) { }
        await Task.Delay(500);
    }
    var account = (await http.GetFromJsonAsync<JsonElement>("/client/v4/accounts")).GetProperty("result")[0].GetProperty("id").GetString();
    var databases = $"/client/v4/accounts/{account}/d1/database";
    var baseline = Rss(server.Id);
    var baselineFds = Fds(server.Id);

    var uuids = new string[count];
    var clock = Stopwatch.StartNew();
    await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
    {
        var created = await Post(http, databases, $$"""{"name":"tenant-{{i:00000}}"}""", ct);
        uuids[i] = created.GetProperty("result").GetProperty("uuid").GetString()!;
    });
    var createRate = count / clock.Elapsed.TotalSeconds;
    clock.Restart();
    await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        await Post(http, $"{databases}/{uuids[i]}/query", """{"sql":"CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('hello')"}""", ct));
    var firstWriteRate = count / clock.Elapsed.TotalSeconds;
    var activeRss = Rss(server.Id);
    var activeFds = Fds(server.Id);

    // Orleans collects idle activations once per quantum (half the idle timeout here): wait for all to close.
    var waited = Stopwatch.StartNew();
    while (Fds(server.Id) > baselineFds + 16 && waited.Elapsed < idle * 12) await Task.Delay(1000);
    await Task.Delay(2000);
    var idleRss = Rss(server.Id);
    var idleFds = Fds(server.Id);

    var random = new Random(42);
    var picks = Enumerable.Range(0, sample).Select(_ => uuids[random.Next(count)]).Distinct().ToArray();
    var cold = new List<double>();
    var warm = new List<double>();
    foreach (var uuid in picks)
    {
        var body = """{"sql":"SELECT body FROM notes WHERE id = 1"}""";
        var t = Stopwatch.GetTimestamp();
        await Post(http, $"{databases}/{uuid}/query", body, default);
        cold.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        t = Stopwatch.GetTimestamp();
        await Post(http, $"{databases}/{uuid}/query", body, default);
        warm.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    }
    Console.WriteLine($"databases: {count}; sample: {picks.Length}");
    Console.WriteLine($"create (catalog only): {createRate:F0}/s; first write (activate + create file): {firstWriteRate:F0}/s");
    Console.WriteLine($"server RSS: at start {baseline / 1024.0:F1} MiB; all {count} active {activeRss / 1024.0:F1} MiB ({activeFds} fds); " +
        $"all idle {idleRss / 1024.0:F1} MiB ({idleFds} fds) = {(idleRss - baseline) * 1024.0 / count:F0} bytes per idle database");
    Console.WriteLine($"first query to a cold database: p50 {Percentile(cold, 50):F2} ms, p99 {Percentile(cold, 99):F2} ms; " +
        $"warm repeat: p50 {Percentile(warm, 50):F2} ms, p99 {Percentile(warm, 99):F2} ms; cold/warm p50 ratio {Percentile(cold, 50) / Percentile(warm, 50):F1}");
}
catch
{
    Console.Error.WriteLine("server log (last lines):");
    foreach (var line in serverLog) Console.Error.WriteLine(line);
    throw;
}
finally
{
    server.Kill(entireProcessTree: true);
    await server.WaitForExitAsync();
    Directory.Delete(data, recursive: true);
}

static async Task<JsonElement> Post(HttpClient http, string path, string json, CancellationToken ct)
{
    using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), ct);
    var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    if (!body.GetProperty("success").GetBoolean()) throw new InvalidOperationException($"{path}: {body}");
    return body;
}

static long Rss(int pid) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
    .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).Single();

static int Fds(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

static double Percentile(List<double> values, int p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Atoll.slnx"))) return dir.FullName;
    throw new InvalidOperationException("Run from inside the Atoll repository.");
}
