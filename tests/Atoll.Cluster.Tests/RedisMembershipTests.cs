using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using StackExchange.Redis;

namespace Atoll.Cluster.Tests;

/// <summary>
/// Cluster mode with Orleans' membership in Redis (<c>Atoll:Cluster:Membership=redis</c>): the nodes find each other
/// there, the node list shows them, databases spread and fail over as with PostgreSQL membership, and the rows really
/// are in Redis (and not in PostgreSQL, which keeps only the catalog and the fence).
/// </summary>
public sealed class RedisMembershipTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    /// <summary>Orleans' key for the membership hash: "&lt;ServiceId&gt;/members/&lt;ClusterId&gt;", both "atoll" here.</summary>
    const string MembershipKey = "atoll/members/atoll";

    [Fact]
    public async Task Every_node_lists_all_three_active_and_their_rows_are_in_Redis_not_PostgreSQL()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        foreach (var through in cluster.Nodes)
        {
            var list = await ClusterFixture.ListAsync(through, ct);
            var active = list.Where(n => n.Value.Status == "active").Select(n => n.Key).Order(StringComparer.Ordinal);
            Assert.True(active.SequenceEqual(["node1", "node2", "node3"]),
                $"{through.Name} lists {string.Join(", ", list.Select(n => $"{n.Key}={n.Value.Status}"))}");
        }

        var rows = await MembershipRowsAsync(ct);
        var text = string.Join("\n", rows.Select(r => $"{r.Name} = {r.Value}"));
        Assert.True(rows.Any(r => r.Name == "Version"), $"no table version in {MembershipKey}:\n{text}");
        foreach (var node in cluster.Nodes)
            Assert.True(rows.Count(r => IsRowOf(r, node) && StatusOf(r) == SiloStatus.Active) == 1, $"no active row for {node.Name} in {MembershipKey}:\n{text}");

        await using var postgres = new NpgsqlConnection(cluster.PostgresConnectionString);
        await postgres.OpenAsync(ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable", postgres);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync(ct))!);
    }

    [Fact]
    public Task Databases_spread_over_all_nodes_and_every_node_answers_for_every_database()
        => ServingTests.AssertDatabasesSpreadAndServedByEveryNodeAsync(cluster, TestContext.Current.CancellationToken);

    [Fact]
    public async Task SIGKILLed_owner_is_declared_dead_in_Redis_and_its_databases_answer_from_the_others_without_loss()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var run = Guid.NewGuid().ToString("N")[..8];
        var front = cluster.Nodes[0];
        var databases = new List<string>();
        for (var i = 0; i < 6; i++) databases.Add(await ClusterFixture.CreateTableAsync(front, $"redis-failover-{run}-{i}", ct));
        var owners = await ClusterFixture.ListAsync(front, ct);
        // The victim: the node owning the most of them (never the one the test talks to for administration).
        var victim = cluster.Nodes.Skip(1).OrderByDescending(n => databases.Count(d => owners[n.Name].Databases.Contains(d))).First();
        Assert.True(databases.Any(d => owners[victim.Name].Databases.Contains(d)), $"no node but {front.Name} owns any of them: {string.Join(", ", owners.Keys)}");
        var survivors = cluster.Nodes.Where(n => n != victim).ToArray();

        var load = new WriteLoad(databases, turn => survivors[turn % survivors.Length]);
        TimeSpan detected;
        try
        {
            load.Start();
            Assert.True(await FailoverTests.WaitUntilAsync(() => databases.All(d => load.Acknowledged[d].Count >= 3), TimeSpan.FromMinutes(2), ct),
                $"the load did not get going:\n{string.Join("\n", load.Failures.Take(20))}");
            var killedAt = DateTime.UtcNow;
            var sinceKill = Stopwatch.StartNew();
            await victim.KillAsync();
            detected = await UntilNoSurvivorListsActiveAsync(victim, survivors, TimeSpan.FromMinutes(3), ct);
            TestContext.Current.TestOutputHelper?.WriteLine($"{victim.Name} SIGKILLed: no survivor lists it active after {detected.TotalSeconds:F1} s (Redis membership)");
            var recovered = await FailoverTests.WaitUntilAsync(() => databases.All(d => load.LastAck.TryGetValue(d, out var at) && at > killedAt.AddSeconds(1)),
                TimeSpan.FromMinutes(3), ct);
            Assert.True(recovered, $"not every database answered again after the kill:\n{string.Join("\n", load.Failures.Take(20))}\n{cluster.Logs()}");
            TestContext.Current.TestOutputHelper?.WriteLine($"every database acknowledged writes again {sinceKill.Elapsed.TotalSeconds:F1} s after the kill");
        }
        finally
        {
            await load.DisposeAsync();
        }

        foreach (var database in databases)
        {
            var present = await front.IdsAsync(database, ct);
            Assert.True(present is not null, $"{database} does not answer through {front.Name}");
            var lost = load.Acknowledged[database].Where(id => !present.Contains(id)).ToList();
            Assert.True(lost.Count == 0, $"{database}: acknowledged ids lost: {string.Join(", ", lost)}");
        }
        // The death was voted into Redis: the victim's row is there, marked dead.
        var rows = await MembershipRowsAsync(ct);
        Assert.True(rows.Any(r => IsRowOf(r, victim) && StatusOf(r) == SiloStatus.Dead),
            $"no dead row for {victim.Name} in {MembershipKey}:\n{string.Join("\n", rows.Select(r => $"{r.Name} = {r.Value}"))}");
    }

    /// <summary>How long until no survivor lists <paramref name="victim"/> as active (dead nodes are left out of the list).</summary>
    static async Task<TimeSpan> UntilNoSurvivorListsActiveAsync(ClusterNode victim, ClusterNode[] survivors, TimeSpan within, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var seen = "";
        while (clock.Elapsed < within)
        {
            var gone = true;
            foreach (var survivor in survivors)
            {
                var list = await ClusterFixture.ListAsync(survivor, ct);
                seen = $"{survivor.Name} lists {string.Join(", ", list.Select(n => $"{n.Key}={n.Value.Status}"))}";
                gone &= !(list.TryGetValue(victim.Name, out var entry) && entry.Status == "active");
            }
            if (gone) return clock.Elapsed;
            await Task.Delay(100, ct);
        }
        throw new Xunit.Sdk.XunitException($"{victim.Name} is still listed active {within} after its SIGKILL: {seen}");
    }

    async Task<HashEntry[]> MembershipRowsAsync(CancellationToken ct)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis!.ConnectionString);
        var rows = await redis.GetDatabase().HashGetAllAsync(MembershipKey);
        ct.ThrowIfCancellationRequested();
        return rows;
    }

    /// <summary>A silo's row is JSON: {"SiloAddress":…,"Status":3,…,"SiloName":"node1",…} (Status is Orleans' SiloStatus as a number).</summary>
    static bool IsRowOf(HashEntry row, ClusterNode node) => row.Name != "Version" && Row(row).GetProperty("SiloName").GetString() == node.Name;

    static SiloStatus StatusOf(HashEntry row) => (SiloStatus)Row(row).GetProperty("Status").GetInt32();

    static JsonElement Row(HashEntry row) => JsonDocument.Parse(row.Value.ToString()).RootElement;
}
