using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Atoll.Bench;

// N concurrent long reads on ONE database, through the REST API of a real Atoll server (a separate process, Release):
// each round times one read alone, then N at once (wall time until the last answers). The baseline is the single read
// of the same round; reads that ran one after another (inline on the grain's turn, as before) would take N x that,
// and reads spread over every core take about N / cores x that.
// Usage: dotnet build -c Release src/Atoll.Server && dotnet run -c Release --project bench/Atoll.ParallelReads -- [rounds=5] [iterations=2000000]
var rounds = args.Length > 0 ? int.Parse(args[0]) : 5;
var iterations = args.Length > 1 ? int.Parse(args[1]) : 2_000_000;
int[] concurrency = [2, 4];
using var server = await BenchServer.StartAsync("parallel-reads", 16, TimeSpan.FromMinutes(5), "--Atoll:Engine:ReaderCount=4");
var http = server.Http;
var databases = server.Databases;
var created = await Post(http, databases, """{"name":"parallel-reads"}""");
var query = $"{databases}/{created.GetProperty("result").GetProperty("uuid").GetString()}/query";
// CPU-bound and touching no table: what is measured is how many cores one database's reads can use.
var read = JsonSerializer.Serialize(new { sql = $"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {iterations}) SELECT count(*) AS n FROM c" });
await Post(http, query, read); // warm-up: activation, statement cache, JIT

var single = new List<double>();
var ratios = concurrency.ToDictionary(n => n, _ => new List<double>());
for (var round = 0; round < rounds; round++)
{
    var one = await TimeAsync(http, query, read, 1);
    single.Add(one);
    foreach (var n in concurrency)
    {
        var all = await TimeAsync(http, query, read, n);
        ratios[n].Add(all / one);
        Console.WriteLine($"round {round + 1}: one read {one:0} ms; {n} at once {all:0} ms = {all / one:0.00} x one");
    }
}
Console.WriteLine();
Console.WriteLine($"cores: {Environment.ProcessorCount}; one read (median): {Median(single):0} ms; {iterations:N0} CTE steps");
Console.WriteLine("| concurrent reads | time / one read (median) | spread | one at a time would be | ideal (N / cores) |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var n in concurrency)
    Console.WriteLine($"| {n} | **{Median(ratios[n]):0.00}** | {ratios[n].Min():0.00}–{ratios[n].Max():0.00} | {n:0.00} | {Math.Max(1.0, (double)n / Environment.ProcessorCount):0.00} |");

static async Task<double> TimeAsync(HttpClient http, string query, string body, int n)
{
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, n).Select(_ => Post(http, query, body)));
    return clock.Elapsed.TotalMilliseconds;
}

static async Task<JsonElement> Post(HttpClient http, string path, string json)
{
    using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {body}");
    return body;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
