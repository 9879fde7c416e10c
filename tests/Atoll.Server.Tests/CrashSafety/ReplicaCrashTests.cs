using System.Net.Http.Json;
using System.Text.Json;
using Atoll.Server.Replication;
using Microsoft.Data.Sqlite;

namespace Atoll.Server.Tests.CrashSafety;

/// <summary>
/// SIGKILL the real server process while a replica is applying a batch (its apply marker is on disk), restart it on the
/// same data directory, and check that the replica never serves a torn or uncommitted state: it re-seeds (or resumes),
/// answers with the primary's content, and its file passes <c>PRAGMA integrity_check</c>.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ReplicaCrashTests : IDisposable
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly string[] Settings = ["--Atoll:Region=WNAM", "--Atoll:Replication:Regions:0=WEUR", "--Atoll:Replication:BookmarkWait=00:00:05"];
    const int RowsPerBatch = 8;

    readonly string _data = Path.Combine(Path.GetTempPath(), "atoll-replica-crash-" + Guid.NewGuid().ToString("N"));
    readonly string _token = "replica-crash-" + Guid.NewGuid().ToString("N");

    string ReplicaFile(string uuid) => Path.Combine(_data, "databases", uuid, "replicas", "WEUR", "db.sqlite");

    // No time windows: the kill comes when the apply marker is seen, and the test tries again with the next write until a
    // kill lands while the marker is still there; a slow machine only makes applies longer, so easier to hit.
    [Fact(Timeout = 900_000)]
    public async Task A_server_killed_while_a_replica_applies_a_batch_restarts_with_a_whole_replica_that_never_shows_a_torn_state()
    {
        ServerProcess? server = await ServerProcess.StartAsync(_data, _token, Settings, Ct);
        try
        {
            var created = await Reply.ReadAsync(await server.Client.PostAsync(server.Databases, AtollServer.Json(new { name = "replica-crash" }), Ct));
            var uuid = created.Result.GetProperty("uuid").GetString()!;
            Assert.True((await QueryAsync(server, uuid, "CREATE TABLE t(id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, b BLOB NOT NULL)", null)).Success);
            var mode = await Reply.ReadAsync(await server.Client.PatchAsync($"{server.Databases}/{uuid}",
                AtollServer.Json(new { read_replication = new { mode = "auto" } }), Ct));
            Assert.True(mode.Success, mode.Text);
            await CaughtUpAsync(server, uuid);

            var marker = ReplicaFile(uuid) + ".applying";
            var landed = false;
            var batches = 0;
            string? lastBookmark = null;
            while (!landed)
            {
                Assert.True(batches < 200, $"no kill landed during an apply in {batches} batches\n{server.Output}");
                // A batch of big rows: the replica's apply writes thousands of pages, long enough to be caught in the act.
                var write = await WriteAsync(server, uuid,
                    $"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {RowsPerBatch}) " +
                    $"INSERT INTO t(batch, b) SELECT {batches}, randomblob(1000000) FROM s");
                Assert.True(write.Reply.Success, write.Reply.Text);
                batches++;
                lastBookmark = write.Bookmark;
                for (var poll = 0; ; poll++)
                {
                    if (File.Exists(marker))
                    {
                        await server.KillAsync();
                        landed = File.Exists(marker); // still there once the process is gone: it died mid-apply
                        if (!landed)
                        {
                            // The apply finished between the look and the kill: start again and try with the next batch.
                            await server.DisposeAsync();
                            server = null;
                            server = await ServerProcess.StartAsync(_data, _token, Settings, Ct);
                            await CaughtUpAsync(server, uuid);
                        }
                        break;
                    }
                    if (poll % 50 == 49 && await BehindAsync(server, uuid) == 0) break; // applied before it was seen: next batch
                    await Task.Delay(1, Ct);
                }
            }

            await server.DisposeAsync();
            server = null;
            server = await ServerProcess.StartAsync(_data, _token, Settings, Ct);
            // The first read in the session must see the last acknowledged batch whole, from the replica or the primary.
            var first = await QueryAsync(server, uuid, "SELECT count(*) AS n, count(DISTINCT batch) AS batches FROM t", lastBookmark);
            Assert.True(first.Success, first.Text);
            Assert.Equal(batches * RowsPerBatch, first.Result[0].GetProperty("results")[0].GetProperty("n").GetInt64());
            await CaughtUpAsync(server, uuid);
            var whole = await QueryAsync(server, uuid,
                "SELECT (SELECT count(*) FROM t) AS n, (SELECT count(*) FROM (SELECT batch FROM t GROUP BY batch HAVING count(*) != " +
                $"{RowsPerBatch} OR min(length(b)) != 1000000)) AS torn, (SELECT quick_check FROM pragma_quick_check) AS integrity", lastBookmark);
            Assert.True(whole.Success, whole.Text);
            var meta = whole.Result[0].GetProperty("meta");
            Assert.False(meta.GetProperty("served_by_primary").GetBoolean(), whole.Text); // the replica serves again
            var row = whole.Result[0].GetProperty("results")[0];
            Assert.Equal(batches * RowsPerBatch, row.GetProperty("n").GetInt64());
            Assert.Equal(0, row.GetProperty("torn").GetInt64());
            Assert.Equal("ok", row.GetProperty("integrity").GetString());
            Assert.False(File.Exists(marker), "the replica did not start again from a copy after a cut apply");

            await server.DisposeAsync();
            server = null;
            Assert.Equal("ok", IntegrityCheck(ReplicaFile(uuid))); // the file itself, as the server left it
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
        }
    }

    static async Task CaughtUpAsync(ServerProcess server, string uuid)
    {
        while (await BehindAsync(server, uuid) != 0) await Task.Delay(20, Ct);
    }

    /// <summary>Entries the replica has not applied; -1 while it is being seeded.</summary>
    static async Task<long> BehindAsync(ServerProcess server, string uuid)
    {
        var reply = await Reply.ReadAsync(await server.Client.GetAsync($"{server.Databases}/{uuid}/replicas", Ct));
        Assert.True(reply.Success, reply.Text);
        var replicas = reply.Result.GetProperty("replicas");
        if (replicas.GetArrayLength() == 0) return -1;
        var replica = replicas[0];
        return replica.GetProperty("seeding").GetBoolean() ? -1 : replica.GetProperty("entries_behind").GetInt64();
    }

    static async Task<Reply> QueryAsync(ServerProcess server, string uuid, string sql, string? session)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{server.Databases}/{uuid}/query") { Content = AtollServer.Json(new { sql }) };
        if (session is not null) message.Headers.Add(SessionConstraint.Header, session);
        return await Reply.ReadAsync(await server.Client.SendAsync(message, Ct));
    }

    static async Task<(Reply Reply, string Bookmark)> WriteAsync(ServerProcess server, string uuid, string sql)
    {
        var response = await server.Client.PostAsync($"{server.Databases}/{uuid}/query", AtollServer.Json(new { sql }), Ct);
        var bookmark = response.Headers.GetValues("x-d1-bookmark").Single();
        return (await Reply.ReadAsync(response), bookmark);
    }

    /// <summary>PRAGMA integrity_check on a copy of the file (opening the original could leave companions behind).</summary>
    static string IntegrityCheck(string path)
    {
        var copy = path + ".check";
        File.Copy(path, copy, overwrite: true);
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            return (string)command.ExecuteScalar()!;
        }
        finally
        {
            File.Delete(copy);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
