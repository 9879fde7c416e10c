using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Atoll.Engine;
using Microsoft.Data.Sqlite;

namespace Atoll.Server.Tests.CrashSafety;

/// <summary>
/// SIGKILL the real server process while eight clients write, restart it on the same data directory, and check what a
/// user relies on: every acknowledged write is there (whole: batches all or nothing), the file is intact, bookmarks
/// go on above every acknowledged one, new writes work, and Time Travel reaches back to before the crash.
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    const int Writers = 8;
    const int Crashes = 4;
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    // Frequent snapshots, so kills also land while one is being built and restores start from them.
    static readonly string[] Settings = ["--Atoll:TimeTravel:SnapshotEveryCommits=150"];

    readonly string _data = Path.Combine(Path.GetTempPath(), "atoll-crash-test-" + Guid.NewGuid().ToString("N"));
    readonly string _token = "crash-admin-" + Guid.NewGuid().ToString("N");
    readonly ConcurrentDictionary<string, int> _attempted = new(); // id -> body length, for every insert ever sent
    readonly ConcurrentBag<Ack> _acknowledged = [];
    readonly ConcurrentQueue<string> _unexpected = new();
    readonly int[] _batchesAttempted = new int[Writers];
    readonly int[] _batchesAcknowledged = new int[Writers];

    /// <summary>One acknowledged write: the bookmark it answered with and the rows it inserted.</summary>
    sealed record Ack(string Bookmark, long Sequence, string[] Ids);

    // No time windows: each kill comes after a number of acknowledged writes, so a slow machine only takes longer.
    // The timeout is for a hang only (typically 10–15 s, minutes under load); the server is killed by PID even then.
    [Fact(Timeout = 900_000)]
    public async Task Acknowledged_writes_survive_repeated_SIGKILL_during_concurrent_writes()
    {
        var random = new Random(Environment.TickCount);
        var server = await ServerProcess.StartAsync(_data, _token, Settings, Ct);
        try
        {
            var created = await Reply.ReadAsync(await server.Client.PostAsync(server.Databases, AtollServer.Json(new { name = "crash" }), Ct));
            var uuid = created.Result.GetProperty("uuid").GetString()!;
            var schema = await QueryAsync(server, uuid, new
            {
                sql = "CREATE TABLE t(id TEXT PRIMARY KEY, writer INTEGER NOT NULL, body TEXT NOT NULL);" +
                      "CREATE TABLE counters(writer INTEGER PRIMARY KEY, n INTEGER NOT NULL);" +
                      "INSERT INTO counters VALUES (0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0);",
            });
            Assert.True(schema.Success, schema.Text);

            for (var crash = 0; crash < Crashes; crash++)
            {
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteUntilFailureAsync(server, uuid, w, crash, stop.Token))).ToArray();
                var killAfter = random.Next(Writers, Writers * 10); // acknowledged writes this round before the kill
                await WaitForAcknowledgedAsync(_acknowledged.Count + killAfter, writers);
                Assert.Empty(_unexpected);
                var inFlightAcks = _acknowledged.Count;
                await server.KillAsync(); // mid-write: requests are in flight on every writer
                await Task.WhenAll(writers);
                TestContext.Current.TestOutputHelper?.WriteLine(
                    $"crash {crash}: killed after {killAfter} more acknowledged writes, {_acknowledged.Count} writes acknowledged so far ({_acknowledged.Count - inFlightAcks} answered during the kill), {_attempted.Count} rows attempted");
                Assert.Empty(_unexpected);
                await server.DisposeAsync();

                server = await ServerProcess.StartAsync(_data, _token, Settings, Ct);
                await VerifyAfterRestartAsync(server, uuid, random);
            }

            Assert.True(_acknowledged.Count >= 3 * Writers, $"only {_acknowledged.Count} writes were acknowledged");
            await server.KillAsync();
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"snapshots on disk: {Directory.GetFiles(Path.Combine(_data, "databases", uuid, "snapshots"), "*.db").Length}");
            // The file as the last crash left it, checked in full outside the server (integrity_check is not on D1's allowlist).
            Assert.Equal("ok", IntegrityCheck(Path.Combine(_data, "databases", uuid, "db.sqlite")));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Waits until <paramref name="count"/> writes in all were acknowledged, or every writer stopped (an unexpected answer).</summary>
    async Task WaitForAcknowledgedAsync(int count, Task[] writers)
    {
        while (_acknowledged.Count < count && !writers.All(w => w.IsCompleted)) await Task.Delay(5, Ct);
    }

    async Task WriteUntilFailureAsync(ServerProcess server, string uuid, int writer, int crash, CancellationToken stop)
    {
        var random = new Random(writer * 7919 + crash);
        for (var i = 0; !stop.IsCancellationRequested && i < 100_000; i++)
        {
            var id = $"c{crash}-w{writer}-{i}";
            var kind = random.Next(10);
            string[] ids;
            object body;
            if (kind < 5)
            {
                ids = [id];
                body = Insert(writer, id, random.Next(10, 200));
            }
            else if (kind < 8)
            {
                // A batch is one transaction: two rows and this writer's counter, all or nothing.
                ids = [id + "a", id + "b"];
                Interlocked.Increment(ref _batchesAttempted[writer]);
                body = new { batch = new object[] { Insert(writer, ids[0], 50), Insert(writer, ids[1], 3000),
                    new { sql = "UPDATE counters SET n = n + 1 WHERE writer = ?", @params = new object[] { writer } } } };
            }
            else
            {
                ids = [id];
                body = Insert(writer, id, random.Next(50_000, 300_000)); // overflow pages, a multi-frame commit
            }
            HttpResponseMessage response;
            try
            {
                response = await server.Client.PostAsync($"{server.Databases}/{uuid}/query", AtollServer.Json(body), CancellationToken.None);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                return; // the server is gone: this write's outcome is unknown, and allowed to be either
            }
            var reply = await ReadOrNullAsync(response);
            if (reply is null) return; // killed while answering: unknown too
            if (reply.Status != 200 || !reply.Success)
            {
                _unexpected.Enqueue($"{id}: {reply.Status} {reply.Text}");
                return;
            }
            var bookmark = response.Headers.GetValues("x-d1-bookmark").Single();
            _acknowledged.Add(new Ack(bookmark, Sequence(bookmark), ids));
            if (ids.Length > 1) Interlocked.Increment(ref _batchesAcknowledged[writer]);
        }
    }

    object Insert(int writer, string id, int length)
    {
        _attempted[id] = length;
        return new { sql = "INSERT INTO t(id, writer, body) VALUES (?, ?, ?)", @params = new object[] { id, writer, Body(id, length) } };
    }

    static async Task<Reply?> ReadOrNullAsync(HttpResponseMessage response)
    {
        try
        {
            return await Reply.ReadAsync(response);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException)
        {
            return null;
        }
    }

    async Task VerifyAfterRestartAsync(ServerProcess server, string uuid, Random random)
    {
        var acknowledged = _acknowledged.ToArray();
        var rows = await RowsAsync(server, uuid);
        foreach (var ack in acknowledged)
            foreach (var id in ack.Ids)
                Assert.True(rows.ContainsKey(id), $"acknowledged row {id} (bookmark {ack.Bookmark}) is missing after the crash");
        foreach (var (id, row) in rows)
        {
            Assert.True(_attempted.TryGetValue(id, out var length), $"row {id} was never written");
            Assert.Equal(Expected(id, length), row);
        }
        var counters = await QueryAsync(server, uuid, new { sql = "SELECT writer, n FROM counters ORDER BY writer" });
        foreach (var counter in counters.Result[0].GetProperty("results").EnumerateArray())
        {
            var writer = counter.GetProperty("writer").GetInt32();
            Assert.InRange(counter.GetProperty("n").GetInt32(), _batchesAcknowledged[writer], _batchesAttempted[writer]);
        }

        var quickCheck = await QueryAsync(server, uuid, new { sql = "SELECT * FROM pragma_quick_check" });
        Assert.Equal("ok", quickCheck.Result[0].GetProperty("results")[0].GetProperty("quick_check").GetString());

        // The log goes on above every acknowledged commit.
        var highest = acknowledged.Max(a => a.Sequence);
        Assert.True(Sequence(await BookmarkAsync(server, uuid)) >= highest);
        var probe = $"probe-{Guid.NewGuid():N}";
        var (next, nextBookmark) = await WriteAsync(server, uuid, Insert(-1, probe, 10));
        Assert.True(next.Success, next.Text);
        Assert.True(Sequence(nextBookmark) > highest, $"{nextBookmark} does not follow {highest}");

        // Time Travel to a commit acknowledged before a crash: exactly the acknowledged writes up to it, then undo.
        var target = acknowledged[random.Next(acknowledged.Length)];
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"restarted: {rows.Count} rows, bookmark {highest} -> {Sequence(nextBookmark)} after a probe write; restoring to {target.Sequence}");
        var restore = await PostAsync(server, $"{server.Databases}/{uuid}/time_travel/restore?bookmark={target.Bookmark}");
        Assert.True(restore.Success, restore.Text);
        var restored = await RowsAsync(server, uuid);
        foreach (var ack in acknowledged)
            foreach (var id in ack.Ids)
                Assert.True(restored.ContainsKey(id) == ack.Sequence <= target.Sequence,
                    $"after restoring to {target.Sequence}, row {id} of commit {ack.Sequence} is {(restored.ContainsKey(id) ? "present" : "missing")}");
        Assert.False(restored.ContainsKey(probe));
        var undo = await PostAsync(server, $"{server.Databases}/{uuid}/time_travel/restore?bookmark={restore.Result.GetProperty("previous_bookmark").GetString()}");
        Assert.True(undo.Success, undo.Text);
        rows[probe] = Expected(probe, 10);
        Assert.Equal(rows, await RowsAsync(server, uuid));
    }

    static async Task<Dictionary<string, string>> RowsAsync(ServerProcess server, string uuid)
    {
        var reply = await QueryAsync(server, uuid, new
        {
            sql = "SELECT id, length(body) || ':' || substr(body, 1, 24) || ':' || substr(body, -24) AS summary FROM t",
        });
        Assert.True(reply.Success, reply.Text);
        return reply.Result[0].GetProperty("results").EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("summary").GetString()!);
    }

    static string Body(string id, int length)
    {
        var unit = id + "|";
        return string.Create(length, unit, (span, u) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = u[i % u.Length];
        });
    }

    static string Expected(string id, int length)
    {
        var body = Body(id, length);
        return $"{length}:{body[..Math.Min(24, length)]}:{body[^Math.Min(24, length)..]}";
    }

    static async Task<Reply> QueryAsync(ServerProcess server, string uuid, object body)
        => (await WriteAsync(server, uuid, body)).Reply;

    static async Task<(Reply Reply, string Bookmark)> WriteAsync(ServerProcess server, string uuid, object body)
    {
        var response = await server.Client.PostAsync($"{server.Databases}/{uuid}/query", AtollServer.Json(body), Ct);
        return (await Reply.ReadAsync(response), response.Headers.GetValues("x-d1-bookmark").Single());
    }

    static async Task<Reply> PostAsync(ServerProcess server, string path)
        => await Reply.ReadAsync(await server.Client.PostAsync(path, null, Ct));

    static async Task<string> BookmarkAsync(ServerProcess server, string uuid)
    {
        var reply = await Reply.ReadAsync(await server.Client.GetAsync($"{server.Databases}/{uuid}/time_travel/bookmark", Ct));
        Assert.True(reply.Success, reply.Text);
        return reply.Result.GetProperty("bookmark").GetString()!;
    }

    static long Sequence(string bookmark) => Bookmark.TryParse(bookmark, out var parsed) ? parsed.Sequence : throw new FormatException(bookmark);

    static string IntegrityCheck(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return string.Join("\n", ReadAll(command));
    }

    static IEnumerable<string> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        while (reader.Read()) yield return reader.GetString(0);
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
