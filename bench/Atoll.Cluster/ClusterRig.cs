using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Atoll.Tests;
using Atoll.Bench;

namespace Atoll.Cluster;

/// <summary>
/// What a cluster benchmark's nodes share: a private PostgreSQL (scripts/postgres.sh) and one s3rver. Each cluster gets its
/// own PostgreSQL database (membership, catalog, fence), so several clusters can run side by side in one run on the same
/// two servers; their databases' uuids never collide in the shared bucket. Disposing kills every node, s3rver and PostgreSQL.
/// </summary>
sealed class ClusterRig : IAsyncDisposable
{
    readonly PostgresServer _postgres = new();
    readonly string _s3Directory = Directory.CreateTempSubdirectory("atoll-cluster-bench-s3-").FullName;
    readonly List<BenchServer> _nodes = [];
    Process? _s3;
    int _s3Port;

    /// <summary>The admin token every node of every cluster of the rig shares.</summary>
    public string Token { get; } = "bench_" + Guid.NewGuid().ToString("N");

    public static async Task<ClusterRig> StartAsync()
    {
        var rig = new ClusterRig();
        try
        {
            await rig._postgres.InitializeAsync();
            (rig._s3, rig._s3Port) = StartS3rver(rig._s3Directory);
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new cluster's connection string: its own database on the rig's PostgreSQL.</summary>
    public Task<string> NewClusterAsync(string name) => _postgres.CreateDatabaseAsync(name);

    /// <summary>Starts one node of the cluster at <paramref name="connectionString"/> (its own process, Release build).</summary>
    public async Task<BenchServer> StartNodeAsync(string connectionString, string name, string region, int maxConnections, params string[] extra)
    {
        var node = await BenchServer.StartAsync(name, Token, maxConnections, TimeSpan.FromMinutes(2),
        [
            "--Atoll:Cluster:Enabled=true", $"--Atoll:Cluster:PostgresConnectionString={connectionString}",
            $"--Atoll:Cluster:NodeName={name}", $"--Atoll:Cluster:Region={region}",
            "--Atoll:ObjectStore:Kind=S3", $"--Atoll:ObjectStore:ServiceUrl=http://127.0.0.1:{_s3Port}", "--Atoll:ObjectStore:Bucket=atoll",
            "--Atoll:ObjectStore:AccessKey=S3RVER", "--Atoll:ObjectStore:SecretKey=S3RVER", .. extra,
        ]);
        lock (_nodes) _nodes.Add(node);
        return node;
    }

    /// <summary>Stops a node now (SIGKILL) and forgets it.</summary>
    public void Kill(BenchServer node)
    {
        lock (_nodes) _nodes.Remove(node);
        node.Dispose();
    }

    /// <summary>The nodes as <paramref name="server"/> lists them (<c>GET /client/v4/cluster/nodes</c>).</summary>
    public static async Task<JsonElement[]> NodesAsync(BenchServer server)
        => [.. (await server.Http.GetFromJsonAsync<JsonElement>("/client/v4/cluster/nodes")).GetProperty("result").EnumerateArray()];

    /// <summary>How many databases are open on all the nodes together.</summary>
    public static async Task<int> OpenDatabasesAsync(BenchServer server)
        => (await NodesAsync(server)).Sum(n => n.GetProperty("num_databases").ValueKind == JsonValueKind.Number ? n.GetProperty("num_databases").GetInt32() : 0);

    /// <summary>Waits until <paramref name="count"/> nodes are active.</summary>
    public static async Task WaitActiveAsync(BenchServer server, int count)
    {
        for (var i = 0; i < 600; i++)
        {
            if ((await NodesAsync(server)).Count(n => n.GetProperty("status").GetString() == "active") == count) return;
            await Task.Delay(200);
        }
        throw new InvalidOperationException($"the cluster did not reach {count} active nodes");
    }

    public async ValueTask DisposeAsync()
    {
        lock (_nodes)
        {
            foreach (var node in _nodes) node.Dispose();
            _nodes.Clear();
        }
        try { _s3?.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _s3?.Dispose();
        await _postgres.DisposeAsync();
        try { Directory.Delete(_s3Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static (Process Process, int Port) StartS3rver(string directory)
    {
        var start = new ProcessStartInfo("node", ["--openssl-legacy-provider", "lib/s3rver-main.mjs", "--port", "0", "--dir", directory, "--bucket", "atoll"])
        {
            WorkingDirectory = Path.Combine(BenchServer.FindRepo(), "tests/compat"),
            RedirectStandardInput = true, // s3rver exits when this pipe closes
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        while (process.StandardOutput.ReadLine() is { } line)
            if (line.StartsWith("s3rver listening on ", StringComparison.Ordinal)) return (process, int.Parse(line[20..]));
        throw new InvalidOperationException("s3rver did not start (scripts/compat-install.sh installs it): " + process.StandardError.ReadToEnd());
    }
}
