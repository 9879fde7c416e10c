using System.Net.Http.Json;
using System.Text.Json;
using Atoll.Server.Tests.Storage;
using Atoll.Tests;

namespace Atoll.Cluster.Tests;

/// <summary>
/// A real 3-node cluster on loopback, formed once for the collection: a private PostgreSQL (membership, catalog, fence),
/// s3rver (the shared object store) and three <c>dotnet Atoll.Server.dll</c> processes in regions WNAM, WEUR and APAC.
/// A subclass may keep membership in a private Redis instead (<see cref="RedisClusterFixture"/>).
/// Tests may kill, freeze or drain nodes; <see cref="EnsureAllRunningAsync"/> brings the cluster back to three.
/// Every process is killed by PID on dispose, whatever happened.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public const string AdminToken = "cluster-test-admin-token-0123456789";
    static readonly string[] Regions = ["WNAM", "WEUR", "APAC"];

    readonly PostgresServer _postgres = new();
    readonly string _membership;
    readonly string[] _extraSettings;
    readonly RedisServer? _redis;
    readonly string _root = Directory.CreateTempSubdirectory("atoll-cluster-").FullName;
    S3rverProcess? _s3;
    string _connectionString = "";

    public ClusterFixture() : this("postgres") { }

    /// <summary>
    /// A cluster whose Orleans membership is in <paramref name="membership"/> (<c>postgres</c> or <c>redis</c>; xunit wants one
    /// public constructor), every node started with <paramref name="extraSettings"/> too.
    /// </summary>
    protected ClusterFixture(string membership, params string[] extraSettings)
    {
        _membership = membership;
        _extraSettings = extraSettings;
        _redis = membership == "redis" ? new() : null;
    }

    public IReadOnlyList<ClusterNode> Nodes { get; private set; } = [];

    /// <summary>The cluster's PostgreSQL database (catalog, fence; membership unless it is in Redis).</summary>
    public string PostgresConnectionString => _connectionString;

    /// <summary>The Redis holding membership, or null when membership is in PostgreSQL.</summary>
    public RedisServer? Redis => _redis;

    public async ValueTask InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _connectionString = await _postgres.CreateDatabaseAsync("atoll");
        if (_redis is not null) await _redis.InitializeAsync();
        _s3 = await S3rverProcess.StartAsync();
        Nodes = [.. Enumerable.Range(0, 3).Select(i =>
            new ClusterNode($"node{i + 1}", Regions[i], Path.Combine(_root, $"node{i + 1}"), Settings))];
        // The first node creates the schema; the others join it together.
        await Nodes[0].StartAsync(AdminToken, TestContext.Current.CancellationToken);
        await Task.WhenAll(Nodes.Skip(1).Select(n => n.StartAsync(AdminToken, TestContext.Current.CancellationToken)));
        await WaitForActiveAsync(3, TestContext.Current.CancellationToken);
    }

    string[] Settings() =>
    [
        "--Atoll:Cluster:Enabled=true",
        "--Atoll:Cluster:PostgresConnectionString=" + _connectionString,
        "--Atoll:Cluster:Membership=" + _membership,
        .. _redis is null ? [] : new[] { "--Atoll:Cluster:RedisConnectionString=" + _redis.ConnectionString },
        // A database with read_replication auto gets a replica on the node of each region but its primary's.
        .. Regions.Select((r, i) => $"--Atoll:Replication:Regions:{i}={r}"),
        "--Atoll:Replication:BookmarkWait=00:00:05",
        "--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ", // a failure's logs from three nodes can be put in order
        .. _s3!.ServerArgs(waitForUpload: true, uploadTimeout: TimeSpan.FromSeconds(30)),
        .. _extraSettings,
    ];

    /// <summary>Starts every node that is not running (same data directory) and waits until all three are active.</summary>
    public async Task EnsureAllRunningAsync(CancellationToken cancellationToken)
    {
        foreach (var node in Nodes.Where(n => !n.IsRunning || n.Process.HasExited))
        {
            await node.ReapAsync();
            await node.StartAsync(AdminToken, cancellationToken);
        }
        await WaitForActiveAsync(3, cancellationToken);
    }

    /// <summary>A running node to send requests through, other than <paramref name="except"/>.</summary>
    public ClusterNode Front(params ClusterNode[] except) => Nodes.First(n => n.IsRunning && !except.Contains(n));

    /// <summary>The nodes as <paramref name="through"/> lists them: name → (status, databases).</summary>
    public static async Task<Dictionary<string, (string Status, string[] Databases)>> ListAsync(ClusterNode through, CancellationToken cancellationToken)
    {
        var body = await through.Client.GetFromJsonAsync<JsonElement>("/client/v4/cluster/nodes", cancellationToken);
        return body.GetProperty("result").EnumerateArray().ToDictionary(
            n => n.GetProperty("name").GetString()!,
            n => (n.GetProperty("status").GetString()!, n.GetProperty("databases") is { ValueKind: JsonValueKind.Array } d
                ? d.EnumerateArray().Select(x => x.GetString()!).ToArray() : []));
    }

    /// <summary>Waits until <paramref name="count"/> nodes are active, as every running node sees it.</summary>
    public async Task WaitForActiveAsync(int count, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var seen = true;
            foreach (var node in Nodes.Where(n => n.IsRunning))
            {
                try
                {
                    var list = await ListAsync(node, cancellationToken);
                    seen &= list.Values.Count(v => v.Status == "active") == count;
                }
                catch (HttpRequestException)
                {
                    seen = false;
                }
            }
            if (seen) return;
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"the cluster did not reach {count} active nodes in 3 minutes:\n{Logs()}");
            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>Every node's log, for failure messages.</summary>
    public string Logs() => string.Join("\n", Nodes.Select(n => $"===== {n.Name} =====\n{Tail(n.Output)}"));

    static string Tail(string text) => text.Length > 20000 ? text[^20000..] : text;

    /// <summary>The node that logged <paramref name="text"/>, waited for (see <see cref="ClusterNode.WaitForOutputAsync"/>).</summary>
    public async Task<ClusterNode> NodeThatLoggedAsync(string text, string why, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            if (Nodes.FirstOrDefault(n => n.Output.Contains(text, StringComparison.Ordinal)) is { } node) return node;
            Assert.True(DateTime.UtcNow < deadline, $"no node logged '{text}' ({why}):\n{Logs()}");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Creates a database through <paramref name="through"/> and returns its uuid.</summary>
    public static async Task<string> CreateDatabaseAsync(ClusterNode through, string name, string? locationHint, CancellationToken cancellationToken)
    {
        object body = locationHint is null ? new { name } : new { name, primary_location_hint = locationHint };
        using var response = await through.Client.PostAsJsonAsync(through.Databases, body, cancellationToken);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"create {name}: {json}");
        return json.GetProperty("result").GetProperty("uuid").GetString()!;
    }

    /// <summary>Creates a database through <paramref name="through"/> with an empty table <c>t(id INTEGER PRIMARY KEY)</c>.</summary>
    public static async Task<string> CreateTableAsync(ClusterNode through, string name, CancellationToken cancellationToken)
    {
        var uuid = await CreateDatabaseAsync(through, name, null, cancellationToken);
        var (status, body) = await through.QueryAsync(uuid, "CREATE TABLE t(id INTEGER PRIMARY KEY)", null, cancellationToken);
        return status == 200 ? uuid : throw new InvalidOperationException($"create table in {name}: {body}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            try { await node.ThawAsync(); } catch (Exception) { /* not frozen, or gone */ }
            await node.KillAsync();
        }
        if (_s3 is not null) await _s3.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        await _postgres.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("cluster")]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;
