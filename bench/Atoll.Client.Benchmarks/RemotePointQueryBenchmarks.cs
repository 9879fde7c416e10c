using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Atoll.Server.Hosting;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Atoll.Client.Benchmarks;

/// <summary>
/// One row by primary key from a real Atoll server on loopback: the SDK (typed) against a raw HttpClient POST of the same
/// request body to the same endpoint (the baseline: send and read the bytes, no parsing), so the ratio is the SDK's overhead.
/// </summary>
[MemoryDiagnoser]
public class RemotePointQueryBenchmarks
{
    const string Token = "benchmark-admin-token-0123456789";
    string _directory = "";
    WebApplication _server = null!;
    HttpClient _http = null!;
    ID1Database _db = null!;
    D1PreparedStatement _byId = null!;
    string _rawUrl = "";
    int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "atoll-bench-server-" + Guid.NewGuid().ToString("N"));
        _server = AtollApp.Build(["--urls", "http://127.0.0.1:0", "--data-dir", _directory, "--admin-token", Token, "--Logging:LogLevel:Default", "Warning"]);
        await _server.StartAsync();
        var url = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) });
        _db = D1Client.Open(new D1DatabaseOptions { Mode = AtollMode.Remote, Url = url, ApiToken = Token, Database = "bench", CreateIfMissing = true }, _http);
        await BenchmarkData.FillAsync(_db);
        _byId = _db.Prepare(BenchmarkData.PointQuery);
        using var accounts = new HttpRequestMessage(HttpMethod.Get, url + "/client/v4/accounts") { Headers = { Authorization = new("Bearer", Token) } };
        using var response = await _http.SendAsync(accounts);
        var account = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("result")[0].GetProperty("id").GetString();
        _rawUrl = $"{url}/client/v4/accounts/{account}/d1/database/bench/raw";
    }

    int NextId() => _next = _next % BenchmarkData.Rows + 1;

    [Benchmark(Baseline = true, Description = "raw HttpClient POST /raw (bytes only)")]
    public async Task<byte[]> RawHttp()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _rawUrl)
        {
            Content = new StringContent($$"""{"sql":"{{BenchmarkData.PointQuery}}","params":[{{NextId()}}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await _http.SendAsync(request);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Benchmark(Description = "SDK remote FirstAsync<UserRow>")]
    public async Task<UserRow?> SdkTyped() => await _byId.Bind(NextId()).FirstAsync<UserRow>();

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _db.Dispose();
        _http.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
