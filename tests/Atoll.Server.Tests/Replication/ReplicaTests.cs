using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Atoll.Server.Replication;
using Microsoft.Extensions.DependencyInjection;

namespace Atoll.Server.Tests.Replication;

/// <summary>Read replicas on one node (real Kestrel, Orleans and files): routing by session, consistency, convergence, switching off, restart.</summary>
[Collection(RunsAlone.Name)]
public sealed class ReplicaTests : IAsyncLifetime
{
    // A generous bookmark wait: a session's read lands on a replica unless the machine stalls for seconds.
    static readonly string[] Args = ["--Atoll:Region=WNAM", "--Atoll:Replication:Regions:0=WEUR", "--Atoll:Replication:Regions:1=APAC",
        "--Atoll:Replication:BookmarkWait=00:00:05", "--Atoll:Node=node-a"];
    const string Session = SessionConstraint.Header;
    AtollServer _server = null!;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await AtollServer.StartAsync(extraArgs: Args);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    sealed record Answer(int Status, JsonElement Body, string? Bookmark)
    {
        public JsonElement Meta => Body.GetProperty("result")[0].GetProperty("meta");
        public bool ServedByPrimary => Meta.GetProperty("served_by_primary").GetBoolean();
        public string Region => Meta.GetProperty("served_by_region").GetString()!;
        public JsonElement Rows => Body.GetProperty("result")[0].GetProperty("results");
    }

    async Task<Answer> QueryAsync(string uuid, string sql, string? session, AtollServer? server = null)
    {
        server ??= _server;
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{server.Databases()}/{uuid}/query") { Content = AtollServer.Json(new { sql }) };
        if (session is not null) message.Headers.Add(Session, session);
        using var response = await server.Client.SendAsync(message, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(body.GetProperty("success").GetBoolean(), body.ToString());
        return new Answer((int)response.StatusCode, body,
            response.Headers.TryGetValues("x-d1-bookmark", out var values) ? values.Single() : null);
    }

    async Task SetModeAsync(string uuid, string mode, AtollServer? server = null)
    {
        server ??= _server;
        var response = await server.Client.PatchAsync($"{server.Databases()}/{uuid}", AtollServer.Json(new { read_replication = new { mode } }), Ct);
        var reply = await Reply.ReadAsync(response);
        Assert.True(reply.Success, reply.Text);
        Assert.Equal(mode, reply.Result.GetProperty("read_replication").GetProperty("mode").GetString());
    }

    async Task<JsonElement> ReplicasAsync(string uuid, AtollServer? server = null)
    {
        server ??= _server;
        var reply = await Reply.ReadAsync(await server.Client.GetAsync($"{server.Databases()}/{uuid}/replicas", Ct));
        Assert.True(reply.Success, reply.Text);
        return reply.Result;
    }

    /// <summary>Waits (no time assertion: only the test's own cancellation bounds it) until every replica has applied all.</summary>
    async Task CaughtUpAsync(string uuid, AtollServer? server = null)
    {
        while (true)
        {
            var replicas = (await ReplicasAsync(uuid, server)).GetProperty("replicas");
            if (replicas.GetArrayLength() > 0 && replicas.EnumerateArray().All(r => !r.GetProperty("seeding").GetBoolean() && r.GetProperty("entries_behind").GetInt64() == 0))
                return;
            await Task.Delay(20, Ct);
        }
    }

    [Fact]
    public async Task Auto_gives_a_replica_per_other_region_that_serves_unconstrained_reads_and_reports_its_lag()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await QueryAsync(uuid, "CREATE TABLE t(v); INSERT INTO t VALUES (1)", null);
        var off = await QueryAsync(uuid, "SELECT count(*) AS n FROM t", "first-unconstrained");
        Assert.True(off.ServedByPrimary, "replication is off: the primary serves");
        Assert.Equal("WNAM", off.Region);

        await SetModeAsync(uuid, "auto");
        await CaughtUpAsync(uuid);
        var replicas = await ReplicasAsync(uuid);
        Assert.Equal(["WEUR", "APAC"], replicas.GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("region").GetString()!));
        foreach (var region in new[] { "WEUR", "APAC" })
            Assert.True(File.Exists(Path.Combine(_server.DataDirectory, "databases", uuid, "replicas", region, "db.sqlite")), region);

        var read = await QueryAsync(uuid, "SELECT count(*) AS n FROM t", "first-unconstrained");
        Assert.False(read.ServedByPrimary, read.Body.ToString());
        Assert.Equal("WEUR", read.Region);
        Assert.Equal("node-a", read.Meta.GetProperty("served_by_colo").GetString()); // the node that ran it: replicas share this one
        Assert.Equal(1, read.Rows[0].GetProperty("n").GetInt32());

        // No header and first-primary: the primary; a write in a session: the primary, wherever it was sent.
        Assert.True((await QueryAsync(uuid, "SELECT 1", null)).ServedByPrimary);
        Assert.True((await QueryAsync(uuid, "SELECT 1", "first-primary")).ServedByPrimary);
        var write = await QueryAsync(uuid, "INSERT INTO t VALUES (2)", read.Bookmark);
        Assert.True(write.ServedByPrimary);
        var after = await QueryAsync(uuid, "SELECT count(*) AS n FROM t", write.Bookmark);
        Assert.False(after.ServedByPrimary);
        Assert.Equal(2, after.Rows[0].GetProperty("n").GetInt32());
        Assert.True(string.CompareOrdinal(after.Bookmark, write.Bookmark) >= 0, $"{after.Bookmark} < {write.Bookmark}");
    }

    [Fact]
    public async Task A_malformed_session_header_is_a_400_in_the_envelope()
    {
        var uuid = await _server.CreateDatabaseAsync();
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{_server.Databases()}/{uuid}/query") { Content = AtollServer.Json(new { sql = "SELECT 1" }) };
        message.Headers.Add(Session, "latest-please");
        var reply = await Reply.ReadAsync(await _server.Client.SendAsync(message, Ct));
        Assert.Equal((400, 7400), (reply.Status, reply.ErrorCode));
        Assert.Contains("first-unconstrained", reply.ErrorMessage);
    }

    [Fact]
    public async Task A_thousand_concurrent_sessions_read_their_writes_and_never_go_back_while_replicas_serve()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await QueryAsync(uuid, "CREATE TABLE t(session INTEGER, step INTEGER)", null);
        await SetModeAsync(uuid, "auto");
        await CaughtUpAsync(uuid);

        // A thousand sessions open at once, each with its own bookmark, interleaved: at most 48 requests are in flight
        // (a client's connection pool), so every session waits its turn between its steps, as many clients' would.
        const int sessions = 1_000, steps = 3;
        var violations = new ConcurrentQueue<string>();
        int replicaReads = 0, reads = 0;
        using var inFlight = new SemaphoreSlim(48);
        async Task<Answer> SendAsync(string sql, string? session)
        {
            await inFlight.WaitAsync(Ct);
            try
            {
                return await QueryAsync(uuid, sql, session);
            }
            finally
            {
                inFlight.Release();
            }
        }
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(s => Task.Run(async () =>
        {
            string? bookmark = "first-unconstrained";
            var seen = -1L;
            for (var step = 0; step < steps; step++)
            {
                var read = await SendAsync($"SELECT count(*) AS n, (SELECT count(*) FROM t WHERE session = {s}) AS mine FROM t", bookmark);
                Interlocked.Increment(ref reads);
                if (!read.ServedByPrimary) Interlocked.Increment(ref replicaReads);
                var n = read.Rows[0].GetProperty("n").GetInt64();
                var mine = read.Rows[0].GetProperty("mine").GetInt64();
                if (n < seen) violations.Enqueue($"session {s} step {step}: saw {n} rows after {seen} (monotonic reads)");
                if (mine != step) violations.Enqueue($"session {s} step {step}: saw {mine} of its own rows, wrote {step} (read your writes)");
                if (bookmark is not null && bookmark != "first-unconstrained" && string.CompareOrdinal(read.Bookmark, bookmark) < 0)
                    violations.Enqueue($"session {s}: answer bookmark {read.Bookmark} older than the session's {bookmark}");
                seen = n;
                bookmark = Newest(bookmark, read.Bookmark);
                var write = await SendAsync($"INSERT INTO t VALUES ({s}, {step})", bookmark);
                if (!write.ServedByPrimary) violations.Enqueue($"session {s}: a write was served by a replica");
                bookmark = Newest(bookmark, write.Bookmark);
            }
        }, Ct)));
        Assert.True(violations.IsEmpty, string.Join("\n", violations.Take(20)));
        // Replicas demonstrably serve: with a 5 s bookmark wait only a stalled machine sends a session's read to the primary.
        Assert.True(replicaReads * 4 >= reads, $"only {replicaReads} of {reads} reads were served by replicas");
        Assert.True(_server.Services.GetRequiredService<ReplicationCounters>().Reads >= replicaReads);
    }

    [Fact]
    public async Task Replica_reads_count_in_the_databases_analytics_and_lag_is_a_metric_per_region_without_database_ids()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await QueryAsync(uuid, "CREATE TABLE t(v); INSERT INTO t VALUES (1)", null);
        await SetModeAsync(uuid, "auto");
        await CaughtUpAsync(uuid);
        var stats = _server.Services.GetRequiredService<Atoll.Server.Analytics.QueryStats>();
        long ReadQueries() => stats.Hours([uuid], DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1)).Sum(h => h.ReadQueries);
        var before = ReadQueries();
        string? bookmark = null;
        for (var i = 0; i < 5; i++)
        {
            var write = await QueryAsync(uuid, $"INSERT INTO t VALUES ({i})", null);
            var read = await QueryAsync(uuid, "SELECT count(*) AS n FROM t", write.Bookmark);
            Assert.False(read.ServedByPrimary, read.Body.ToString());
            bookmark = read.Bookmark;
        }
        Assert.Equal(5, ReadQueries() - before); // the replicas' reads are the database's reads, as D1 counts them
        await CaughtUpAsync(uuid);

        var metrics = await _server.NewClient(null).GetStringAsync("/metrics", Ct);
        var lines = metrics.Split('\n');
        IEnumerable<string> Samples(string name, string region) => lines.Where(l => l.StartsWith(name + "{", StringComparison.Ordinal)
            && l.Contains($"region=\"{region}\"", StringComparison.Ordinal));
        double Sum(string name, string region) => Samples(name, region)
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        // Every entry applied by each replica was measured, from the primary's commit to the replica's apply.
        Assert.True(Sum("atoll_replica_apply_lag_seconds_count", "WEUR") >= 5, metrics);
        Assert.True(Sum("atoll_replica_apply_lag_seconds_count", "APAC") >= 5, metrics);
        Assert.Single(Samples("atoll_replica_lag_entries", "WEUR")); // one series per region, whatever the number of databases
        Assert.Single(Samples("atoll_replica_lag_time_seconds", "APAC"));
        Assert.DoesNotContain(lines, l => l.StartsWith("atoll_replica", StringComparison.Ordinal) && l.Contains(uuid, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_replica_far_behind_or_whose_entries_expired_catches_up_from_a_copy_instead_of_replaying(bool expired)
    {
        // Expired: history older than the newest snapshot is dropped at each snapshot (every 10 commits, no retention;
        // a replica is still seeded from the current state, which retention never takes away).
        // Far behind: the entries are all there, but more of them than CopyWhenBehind.
        string[] settings = expired
            ? ["--Atoll:TimeTravel:Retention=00:00:00", "--Atoll:TimeTravel:SnapshotEveryCommits=10"]
            : ["--Atoll:Replication:CopyWhenBehind=20"];
        string[] withReplica = [.. Args, .. settings];
        string[] withoutReplica = [.. settings, "--Atoll:Region=WNAM"]; // no replica regions: the replica stays where it was
        const int missed = 45;
        var directory = Path.Combine(Path.GetTempPath(), "atoll-replica-behind-" + Guid.NewGuid().ToString("N"));
        var first = await AtollServer.StartAsync(directory, extraArgs: withReplica);
        string uuid;
        try
        {
            uuid = await first.CreateDatabaseAsync();
            await QueryAsync(uuid, "CREATE TABLE t(v); INSERT INTO t VALUES (0)", null, first);
            await SetModeAsync(uuid, "auto", first);
            await CaughtUpAsync(uuid, first);
        }
        finally
        {
            await first.StopAsync(deleteData: false);
        }
        var alone = await AtollServer.StartAsync(directory, first.AdminToken, withoutReplica);
        string? last = null;
        try
        {
            // History expires by whole 16 MB log segments: 1 MB rows fill a few while the replica is away.
            var value = expired ? "randomblob(1000000)" : "1";
            for (var i = 1; i <= missed; i++) last = (await QueryAsync(uuid, $"INSERT INTO t VALUES ({value})", null, alone)).Bookmark;
        }
        finally
        {
            await alone.StopAsync(deleteData: false);
        }
        var back = await AtollServer.StartAsync(directory, first.AdminToken, withReplica);
        try
        {
            var read = await QueryAsync(uuid, "SELECT count(*) AS n FROM t", last, back);
            Assert.False(read.ServedByPrimary, read.Body.ToString());
            Assert.Equal(missed + 1, read.Rows[0].GetProperty("n").GetInt32());
            await CaughtUpAsync(uuid, back); // both replicas, not just the one that answered
            var counters = back.Services.GetRequiredService<ReplicationCounters>();
            Assert.Equal(2, counters.CopyCatchUps); // one per replica region
            Assert.True(counters.Entries < missed, $"{counters.Entries} entries replayed: it did not catch up from a copy");
        }
        finally
        {
            await back.DisposeAsync();
        }
    }

    static string? Newest(string? session, string? answer)
        => session is null or "first-unconstrained" or "first-primary" || string.CompareOrdinal(answer, session) > 0 ? answer : session;

    [Fact]
    public async Task Replicas_converge_to_the_primary_after_schema_changes_vacuum_blobs_fts_and_a_restore()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await SetModeAsync(uuid, "auto");
        var random = new Random(11);
        await QueryAsync(uuid, "CREATE TABLE a(id INTEGER PRIMARY KEY, v TEXT, b BLOB); CREATE VIRTUAL TABLE f USING fts5(body)", null);
        string? restorePoint = null;
        for (var i = 0; i < 60; i++)
        {
            var sql = random.Next(8) switch
            {
                0 => $"INSERT INTO a(v, b) VALUES ('big{i}', randomblob({random.Next(50_000, 300_000)}))",
                1 => $"DELETE FROM a WHERE id % {random.Next(2, 5)} = 0",
                2 => i % 3 == 0 ? $"ALTER TABLE a ADD COLUMN c{i} INTEGER DEFAULT {i}" : $"CREATE TABLE IF NOT EXISTS x{i % 4}(k)",
                3 => "VACUUM",
                4 => $"INSERT INTO f(body) VALUES ('word{i} other{random.Next(100)}')",
                5 => $"DROP TABLE IF EXISTS x{random.Next(4)}",
                _ => $"INSERT INTO a(v) SELECT 'row' || value FROM generate_series(1, {random.Next(1, 200)})",
            };
            if (sql.Contains("generate_series")) sql = $"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {random.Next(1, 200)}) INSERT INTO a(v) SELECT 'row' || n FROM s";
            var answer = await QueryAsync(uuid, sql, null);
            if (i == 20) restorePoint = answer.Bookmark;
        }
        var restore = await Reply.ReadAsync(await _server.Client.PostAsync($"{_server.Databases()}/{uuid}/time_travel/restore?bookmark={restorePoint}", null, Ct));
        Assert.True(restore.Success, restore.Text);
        await QueryAsync(uuid, "INSERT INTO a(v, b) VALUES ('after restore', randomblob(70000))", null);
        var last = await QueryAsync(uuid, "INSERT INTO f(body) VALUES ('the end')", null);

        await CaughtUpAsync(uuid);
        var primary = await ContentAsync(uuid, null);
        var replica = await ContentAsync(uuid, last.Bookmark);
        Assert.Equal(primary, replica);
        var restored = await QueryAsync(uuid, "SELECT count(*) AS n FROM a WHERE v = 'after restore'", last.Bookmark);
        Assert.False(restored.ServedByPrimary);
        Assert.Equal(1, restored.Rows[0].GetProperty("n").GetInt32());
    }

    /// <summary>Every table's rows (blobs as hashes) and the schema, as one text; on the replica when a bookmark is given.</summary>
    async Task<string> ContentAsync(string uuid, string? bookmark)
    {
        var schema = await QueryAsync(uuid, "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name", bookmark);
        Assert.Equal(bookmark is null, schema.ServedByPrimary);
        var text = new System.Text.StringBuilder(schema.Rows.ToString());
        foreach (var table in schema.Rows.EnumerateArray().Where(r => r.GetProperty("type").GetString() == "table"))
        {
            var name = table.GetProperty("name").GetString()!;
            var rows = await QueryAsync(uuid, $"SELECT * FROM \"{name}\"", bookmark);
            Assert.Equal(bookmark is null, rows.ServedByPrimary);
            text.Append(name).Append(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(rows.Rows.ToString())).AsSpan().ToArray()
                .Aggregate("", (s, b) => s + b.ToString("x2")));
        }
        text.Append((await QueryAsync(uuid, "SELECT group_concat(rowid) AS r FROM f WHERE f MATCH 'end OR word3'", bookmark)).Rows.ToString());
        return text.ToString();
    }

    [Fact]
    public async Task Disabled_stops_replica_reads_at_once_removes_their_files_and_old_bookmarks_stay_valid_on_the_primary()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await QueryAsync(uuid, "CREATE TABLE t(v); INSERT INTO t VALUES (1)", null);
        await SetModeAsync(uuid, "auto");
        await CaughtUpAsync(uuid);
        var fromReplica = await QueryAsync(uuid, "SELECT count(*) AS n FROM t", "first-unconstrained");
        Assert.False(fromReplica.ServedByPrimary);

        await SetModeAsync(uuid, "disabled");
        var unconstrained = await QueryAsync(uuid, "SELECT count(*) AS n FROM t", "first-unconstrained");
        Assert.True(unconstrained.ServedByPrimary);
        var old = await QueryAsync(uuid, "SELECT count(*) AS n FROM t", fromReplica.Bookmark);
        Assert.True(old.ServedByPrimary);
        Assert.Equal(1, old.Rows[0].GetProperty("n").GetInt32());
        Assert.False(Directory.Exists(Path.Combine(_server.DataDirectory, "databases", uuid, "replicas", "WEUR")));
        Assert.False(Directory.Exists(Path.Combine(_server.DataDirectory, "databases", uuid, "replicas", "APAC")));
        Assert.Empty((await ReplicasAsync(uuid)).GetProperty("replicas").EnumerateArray());
    }

    [Fact]
    public async Task A_restarted_replica_resumes_from_its_file_without_a_new_copy()
    {
        var directory = Path.Combine(Path.GetTempPath(), "atoll-replica-restart-" + Guid.NewGuid().ToString("N"));
        var first = await AtollServer.StartAsync(directory, extraArgs: Args);
        string uuid;
        try
        {
            uuid = await first.CreateDatabaseAsync();
            await QueryAsync(uuid, "CREATE TABLE t(v); INSERT INTO t VALUES (1)", null, first);
            await SetModeAsync(uuid, "auto", first);
            await CaughtUpAsync(uuid, first);
        }
        finally
        {
            await first.StopAsync(deleteData: false);
        }
        var second = await AtollServer.StartAsync(directory, first.AdminToken, Args);
        try
        {
            var write = await QueryAsync(uuid, "INSERT INTO t VALUES (2)", null, second);
            var read = await QueryAsync(uuid, "SELECT count(*) AS n FROM t", write.Bookmark, second);
            Assert.False(read.ServedByPrimary, read.Body.ToString());
            Assert.Equal(2, read.Rows[0].GetProperty("n").GetInt32());
            var counters = second.Services.GetRequiredService<ReplicationCounters>();
            Assert.Equal(0, counters.Seeds); // it applied the new commit to the file it had, not to a fresh copy
            Assert.True(counters.Entries >= 1);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
