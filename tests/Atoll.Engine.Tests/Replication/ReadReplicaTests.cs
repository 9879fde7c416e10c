using System.Text.Json;
using Atoll.Engine.Replication;

namespace Atoll.Engine.Tests.Replication;

public sealed class ReadReplicaTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-replica-" + Guid.NewGuid().ToString("N"));
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    string PrimaryPath => Path.Combine(_directory, "db", "db.sqlite");
    string ReplicaPath => Path.Combine(_directory, "db", "replicas", "WEUR", "db.sqlite");

    static ChangeLogOptions Log() => new() { SnapshotEveryCommits = 25, CheckpointFrames = 50 };

    static void Run(Database db, string sql) => db.Execute(QueryRequest.Single(sql), Ct);

    async Task<ReadReplica> SeedAsync(Database primary)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ReplicaPath)!);
        var copy = ReplicaPath + ".seed";
        await primary.ForkAsync(primary.CurrentBookmark, copy, Ct);
        return ReadReplica.Seed(copy, ReplicaPath, primary.Options, "WEUR");
    }

    static bool CatchUp(Database primary, ReadReplica replica)
    {
        var entries = primary.ReadLogEntries(replica.Applied.Sequence, primary.CurrentBookmark.Sequence, 10_000);
        var ok = replica.Apply(entries);
        if (!ok) Console.Error.WriteLine($"replica stopped at {replica.Applied}; entries: {string.Join(",", entries.Select(e => Atoll.Engine.ChangeLog.LogEntry.TryDecode(e)).Select(e => $"{e!.Sequence}:{e.Kind}"))}");
        return ok;
    }

    static JsonElement Read(ReadReplica replica, string sql)
    {
        var result = replica.TryExecuteRead(QueryRequest.Single(sql), Ct) ?? throw new InvalidOperationException("a read was refused");
        return JsonDocument.Parse(result.Json).RootElement[0];
    }

    [Fact]
    public async Task Readers_never_see_a_torn_state_while_batches_are_applied_and_the_replica_ends_equal_to_the_primary()
    {
        await using var primary = await Database.OpenAsync(PrimaryPath, changeLog: Log(), cancellationToken: Ct);
        Run(primary, "CREATE TABLE t(v INTEGER, pad BLOB)");
        using var replica = await SeedAsync(primary);

        // Every commit keeps sum(v) = 0 and an even count; a reader seeing part of a batch would break that.
        var stop = new CancellationTokenSource();
        var violations = new List<string>();
        var reads = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var row = Read(replica, "SELECT count(*) AS n, coalesce(sum(v), 0) AS s FROM t").GetProperty("results")[0];
                if (row.GetProperty("s").GetInt64() != 0 || row.GetProperty("n").GetInt64() % 2 != 0) lock (violations) violations.Add(row.ToString());
                Interlocked.Increment(ref reads);
                started.TrySetResult();
            }
        }, Ct);
        await started.Task.WaitAsync(Ct); // the reader runs before the first batch, on a loaded machine too
        for (var i = 1; i <= 120; i++)
        {
            Run(primary, $"INSERT INTO t VALUES ({i}, randomblob({i * 97 % 5000})), ({-i}, randomblob(10))");
            if (i % 40 == 0) Run(primary, "DELETE FROM t WHERE abs(v) % 3 = 0");
            if (i % 50 == 0) Run(primary, "VACUUM");
            if (i % 7 == 0) Assert.True(CatchUp(primary, replica));
        }
        Assert.True(CatchUp(primary, replica));
        await stop.CancelAsync();
        await reader;
        Assert.Empty(violations);
        Assert.True(reads > 0);
        Assert.Equal(primary.CurrentBookmark, replica.Applied);
        var meta = Read(replica, "SELECT 1").GetProperty("meta");
        Assert.False(meta.GetProperty("served_by_primary").GetBoolean());
        Assert.Equal("WEUR", meta.GetProperty("served_by_region").GetString());
        Assert.Equal(Read(replica, "SELECT count(*) AS n, sum(length(pad)) AS p FROM t").GetProperty("results").ToString(),
            JsonDocument.Parse(primary.Execute(QueryRequest.Single("SELECT count(*) AS n, sum(length(pad)) AS p FROM t"), Ct).Json).RootElement[0].GetProperty("results").ToString());
        Assert.Null(replica.TryExecuteRead(QueryRequest.Single("INSERT INTO t VALUES (0, NULL)"), Ct)); // writes are the primary's
    }

    [Fact]
    public async Task A_restarted_replica_resumes_at_the_sequence_in_its_file_and_one_cut_mid_apply_asks_for_a_fresh_copy()
    {
        await using var primary = await Database.OpenAsync(PrimaryPath, changeLog: Log(), cancellationToken: Ct);
        Run(primary, "CREATE TABLE t(v)");
        var replica = await SeedAsync(primary);
        Run(primary, "INSERT INTO t VALUES (1)");
        Assert.True(CatchUp(primary, replica));
        var applied = replica.Applied;
        replica.Dispose();

        Run(primary, "INSERT INTO t VALUES (2)");
        using (var resumed = ReadReplica.TryOpen(ReplicaPath, primary.Options, "WEUR") ?? throw new InvalidOperationException("no replica"))
        {
            Assert.Equal(applied, resumed.Applied);
            Assert.True(CatchUp(primary, resumed)); // continues the checksum chain from its own file
            Assert.Equal(2, Read(resumed, "SELECT count(*) AS n FROM t").GetProperty("results")[0].GetProperty("n").GetInt32());
        }

        File.WriteAllBytes(ReplicaPath + ".applying", []); // as a crash between the marker and the flush leaves it
        Assert.Null(ReadReplica.TryOpen(ReplicaPath, primary.Options, "WEUR"));
        Assert.False(File.Exists(ReplicaPath));
    }

    [Fact]
    public async Task A_restore_on_the_primary_is_not_applied_page_by_page_and_a_fresh_copy_matches_it()
    {
        await using var primary = await Database.OpenAsync(PrimaryPath, changeLog: Log(), cancellationToken: Ct);
        Run(primary, "CREATE TABLE t(v)");
        Run(primary, "INSERT INTO t VALUES (1)");
        var back = primary.CurrentBookmark;
        Run(primary, "INSERT INTO t VALUES (2)");
        var replica = await SeedAsync(primary);
        await primary.RestoreAsync(back, Ct);
        var before = replica.Applied;
        Assert.False(CatchUp(primary, replica));
        Assert.Equal(before, replica.Applied);
        replica.Dispose();
        using var fresh = await SeedAsync(primary);
        Assert.Equal(primary.CurrentBookmark, fresh.Applied);
        Assert.Equal(1, Read(fresh, "SELECT count(*) AS n FROM t").GetProperty("results")[0].GetProperty("n").GetInt32());
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
