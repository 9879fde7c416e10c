using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Atoll.Server.Replication;

namespace Atoll.Cluster.Tests;

/// <summary>
/// Read replicas across the nodes of a real cluster: a database whose primary is in WNAM gets its replicas on the WEUR
/// and APAC nodes, a node of another region serves unconstrained reads from its own replica, writes sent anywhere reach
/// the primary, and sessions carrying bookmarks read their writes whichever nodes their steps go through.
/// </summary>
[Collection("cluster")]
public sealed class ReplicaTests(ClusterFixture cluster)
{
    sealed record Answer(int Status, JsonElement Body, string? Bookmark)
    {
        public JsonElement Meta => Body.GetProperty("result")[0].GetProperty("meta");
        public bool ServedByPrimary => Meta.GetProperty("served_by_primary").GetBoolean();
        public string Region => Meta.GetProperty("served_by_region").GetString()!;
        public string Colo => Meta.GetProperty("served_by_colo").GetString()!;
        public JsonElement Rows => Body.GetProperty("result")[0].GetProperty("results");
    }

    static async Task<Answer> QueryAsync(ClusterNode node, string uuid, string sql, string? session, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{node.Databases}/{uuid}/query") { Content = JsonContent.Create(new { sql }) };
        if (session is not null) message.Headers.Add(SessionConstraint.Header, session);
        using var response = await node.Client.SendAsync(message, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(response.IsSuccessStatusCode, $"{node.Name}: {sql}: {body}");
        return new Answer((int)response.StatusCode, body, response.Headers.TryGetValues("x-d1-bookmark", out var values) ? values.Single() : null);
    }

    static async Task<JsonElement> ReplicasAsync(ClusterNode node, string uuid, CancellationToken ct)
    {
        var body = await node.Client.GetFromJsonAsync<JsonElement>($"{node.Databases}/{uuid}/replicas", ct);
        return body.GetProperty("result").GetProperty("replicas");
    }

    /// <summary>Polls <paramref name="done"/> until it holds, failing with the cluster's logs after a generous deadline.</summary>
    async Task EventuallyAsync(string what, Func<Task<bool>> done, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{what} did not happen in 3 minutes\n{cluster.Logs()}");
            await Task.Delay(200, ct);
        }
    }

    [Fact]
    public async Task Replicas_live_on_the_other_regions_nodes_serve_their_reads_and_sessions_read_their_writes_across_nodes()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var (wnam, weur, apac) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var uuid = await ClusterFixture.CreateDatabaseAsync(weur, $"replicas-{Guid.NewGuid():N}"[..20], "wnam", ct);
        await QueryAsync(apac, uuid, "CREATE TABLE t(session INTEGER, step INTEGER)", null, ct);

        // Switched on as in D1, through a node that holds neither the primary nor (yet) a replica.
        using (var patch = await apac.Client.PatchAsJsonAsync($"{apac.Databases}/{uuid}", new { read_replication = new { mode = "auto" } }, ct))
            Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync(ct));

        // Every node lists the same two replicas, in the regions other than the primary's, seeded and caught up.
        foreach (var node in cluster.Nodes)
            await EventuallyAsync($"{node.Name} seeing both replicas caught up", async () =>
            {
                var replicas = await ReplicasAsync(node, uuid, ct);
                return replicas.EnumerateArray().Select(r => r.GetProperty("region").GetString()).Order().SequenceEqual(["APAC", "WEUR"])
                    && replicas.EnumerateArray().All(r => !r.GetProperty("seeding").GetBoolean() && r.GetProperty("entries_behind").GetInt64() == 0);
            }, ct);

        // An unconstrained read through a node of another region is served by that node's replica, on that node.
        foreach (var node in new[] { weur, apac })
        {
            Answer? read = null;
            await EventuallyAsync($"a replica read through {node.Name}", async () =>
                !(read = await QueryAsync(node, uuid, "SELECT count(*) AS n FROM t", "first-unconstrained", ct)).ServedByPrimary, ct);
            Assert.Equal(node.Region, read!.Region);
            Assert.Equal(node.Name, read.Colo);
        }

        // Writes through any node reach the primary, on the WNAM node.
        foreach (var node in cluster.Nodes)
        {
            var write = await QueryAsync(node, uuid, "INSERT INTO t VALUES (-1, 0)", "first-unconstrained", ct);
            Assert.True(write.ServedByPrimary, write.Body.ToString());
            Assert.Equal((wnam.Name, "WNAM"), (write.Colo, write.Region));
        }

        // Sessions whose steps go through the nodes in turn: each writes, then reads with its newest bookmark through
        // another node; the read must show every row the session wrote and never an older bookmark than one it had.
        const int sessions = 24, steps = 12;
        var violations = new ConcurrentBag<string>();
        var replicaReads = 0;
        using var gate = new SemaphoreSlim(6);
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(async s =>
        {
            await gate.WaitAsync(ct);
            try
            {
                string? bookmark = "first-unconstrained";
                for (var step = 1; step <= steps; step++)
                {
                    var write = await QueryAsync(cluster.Nodes[(s + step) % 3], uuid, $"INSERT INTO t VALUES ({s}, {step})", bookmark, ct);
                    bookmark = Newer(bookmark, write.Bookmark);
                    var read = await QueryAsync(cluster.Nodes[(s + step + 1) % 3], uuid, $"SELECT count(*) AS n FROM t WHERE session = {s}", bookmark, ct);
                    var seen = read.Rows[0].GetProperty("n").GetInt32();
                    if (seen != step) violations.Add($"session {s} step {step}: read {seen} of its rows on {read.Colo} ({read.Region}) at {read.Bookmark}, bookmark {bookmark}");
                    if (read.Bookmark is null || string.CompareOrdinal(read.Bookmark, bookmark) < 0)
                        violations.Add($"session {s} step {step}: answer's bookmark {read.Bookmark} is older than the session's {bookmark}");
                    if (!read.ServedByPrimary) Interlocked.Increment(ref replicaReads);
                    bookmark = Newer(bookmark, read.Bookmark);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        Assert.True(violations.IsEmpty, string.Join("\n", violations.Take(20)));
        // Not vacuous: the sessions' reads went to replicas on other nodes, not only to the primary.
        Assert.True(replicaReads > 0, "no session read was served by a replica");
    }

    static string? Newer(string? a, string? b) => b is null || (a is not null && !a.StartsWith("first-", StringComparison.Ordinal) && string.CompareOrdinal(a, b) >= 0) ? a : b;
}
