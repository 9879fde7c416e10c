using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Atoll.Bench;

/// <summary>
/// A real Atoll server for a benchmark: the Release build of src/Atoll.Server as its own process on a free loopback port,
/// a temporary data directory and an admin token; ready once <c>/healthz</c> answers. Disposing kills the process tree
/// and deletes the data, whatever happened in between.
/// </summary>
public sealed class BenchServer : IDisposable
{
    readonly Process _process;
    readonly string _data;

    BenchServer(Process process, string data, HttpClient http, string accountId)
    {
        _process = process;
        _data = data;
        Http = http;
        AccountId = accountId;
    }

    /// <summary>A client with the admin token, its base address the server's.</summary>
    public HttpClient Http { get; }

    /// <summary>The server's process id (for its memory and descriptors in <c>/proc</c>).</summary>
    public int Pid => _process.Id;

    /// <summary>The server's data directory.</summary>
    public string DataDirectory => _data;

    /// <summary>The default account's id.</summary>
    public string AccountId { get; }

    /// <summary>The account's databases collection, <c>/client/v4/accounts/{id}/d1/database</c>.</summary>
    public string Databases => $"/client/v4/accounts/{AccountId}/d1/database";

    /// <summary>The process's resident memory now (VmRSS in <c>/proc/&lt;pid&gt;/status</c>), in KiB.</summary>
    public long ResidentKib => File.ReadLines($"/proc/{Pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).Single();

    /// <summary>Creates a database; returns its uuid.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        using var response = await Http.PostAsJsonAsync(Databases, new { name });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? body.GetProperty("result").GetProperty("uuid").GetString()! : throw new InvalidOperationException(body.ToString());
    }

    /// <summary>Runs <paramref name="sql"/> on the database (<c>POST …/query</c>); throws with the answer when it fails.</summary>
    public async Task QueryAsync(string uuid, string sql)
    {
        using var response = await Http.PostAsJsonAsync($"{Databases}/{uuid}/query", new { sql });
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Starts the server with <paramref name="settings"/> (e.g. <c>--Atoll:Engine:ReaderCount=4</c>) and waits until it serves.</summary>
    public static Task<BenchServer> StartAsync(string name, int maxConnections, TimeSpan timeout, params string[] settings)
        => StartAsync(name, "bench_" + Guid.NewGuid().ToString("N"), maxConnections, timeout, settings);

    /// <summary>As above with a given admin token (the nodes of one cluster share theirs).</summary>
    public static async Task<BenchServer> StartAsync(string name, string token, int maxConnections, TimeSpan timeout, params string[] settings)
    {
        // ATOLL_BENCH_SERVER: a copy of the build elsewhere, so a long run is not disturbed by a rebuild.
        var dll = Environment.GetEnvironmentVariable("ATOLL_BENCH_SERVER") is { Length: > 0 } given ? given
            : Path.Combine(FindRepo(), "src/Atoll.Server/bin/Release/net10.0/Atoll.Server.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"Build the server first: dotnet build -c Release src/Atoll.Server ({dll})");
        var data = Directory.CreateTempSubdirectory($"atoll-{name}-").FullName;
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo("dotnet",
            [dll, "--urls", $"http://127.0.0.1:{port}", "--data-dir", data, "--admin-token", token, "--Logging:LogLevel:Default=Warning", .. settings])
            // In its data directory, as a server started with the default ./.atoll works below its working directory.
            { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data })!;
        // ATOLL_BENCH_SERVER_LOG: a file that receives the server's output (warnings and errors only).
        var log = Environment.GetEnvironmentVariable("ATOLL_BENCH_SERVER_LOG") is { Length: > 0 } path ? TextWriter.Synchronized(File.AppendText(path)) : null;
        process.OutputDataReceived += (_, e) => log?.WriteLine(e.Data);
        process.ErrorDataReceived += (_, e) => log?.WriteLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = timeout,
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            for (var i = 0; ; i++)
            {
                try { if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) break; } catch (HttpRequestException) when (i < 240) { }
                await Task.Delay(500);
            }
            var account = (await http.GetFromJsonAsync<JsonElement>("/client/v4/accounts")).GetProperty("result")[0].GetProperty("id").GetString()!;
            return new BenchServer(process, data, http, account);
        }
        catch
        {
            Stop(process, data, http);
            throw;
        }
    }

    public void Dispose() => Stop(_process, _data, Http);

    static void Stop(Process process, string data, HttpClient http)
    {
        http.Dispose();
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        process.Dispose();
        Directory.Delete(data, recursive: true);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The repository's root (where Atoll.slnx is).</summary>
    public static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Atoll.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Atoll.slnx not found above " + AppContext.BaseDirectory);
    }
}
