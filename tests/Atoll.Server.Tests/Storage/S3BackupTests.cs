using System.Diagnostics;
using Atoll.Engine;
using Atoll.Server.Storage;

namespace Atoll.Server.Tests.Storage;

/// <summary>
/// The server backing its databases up to a real S3-protocol server (s3rver on loopback) with <c>WaitForUpload</c>:
/// acknowledged writes are in the bucket, a database whose local files are gone comes back from the bucket alone,
/// and an unreachable bucket fails writes clearly without losing them.
/// </summary>
public sealed class S3BackupTests : IAsyncLifetime
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly TimeSpan UploadTimeout = TimeSpan.FromSeconds(2);

    S3rverProcess _s3 = null!;
    readonly string _data = Path.Combine(Path.GetTempPath(), "atoll-s3-test-" + Guid.NewGuid().ToString("N"));
    readonly string _token = "s3-admin-" + Guid.NewGuid().ToString("N");
    AtollServer? _server;

    public async ValueTask InitializeAsync() => _s3 = await S3rverProcess.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.StopAsync(deleteData: false);
        await _s3.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    async Task<AtollServer> StartServerAsync()
    {
        _server = await AtollServer.StartAsync(_data, _token, _s3.ServerArgs(waitForUpload: true, UploadTimeout));
        return _server;
    }

    async Task StopServerAsync()
    {
        await _server!.StopAsync(deleteData: false);
        _server = null;
    }

    /// <summary>Stops the server and deletes everything local of the database: file, WAL, log segments, snapshots.</summary>
    async Task LoseLocalFilesAsync(string uuid)
    {
        await StopServerAsync();
        var folder = Path.Combine(_data, "databases", uuid);
        Assert.True(Directory.Exists(folder));
        Directory.Delete(folder, recursive: true);
        Assert.False(Directory.Exists(Path.Combine(_data, "objects")), "with S3 configured nothing goes to the filesystem store");
    }

    /// <summary>Loses the database's local files, restarts, and checks it came back from the bucket exactly as it was.</summary>
    async Task<AtollServer> AssertRebuiltFromBucketAsync(string uuid, string content, string bookmark)
    {
        await LoseLocalFilesAsync(uuid);
        var server = await StartServerAsync();
        Assert.Equal(content, await ContentAsync(server, uuid));
        Assert.Equal(bookmark, await BookmarkAsync(server, uuid));
        return server;
    }

    static async Task<(Reply Reply, string Bookmark)> WriteAsync(AtollServer server, string uuid, string sql, params object[] args)
    {
        var response = await server.Client.PostAsync($"{server.Databases()}/{uuid}/query", AtollServer.Json(new { sql, @params = args }), Ct);
        var bookmark = response.Headers.GetValues("x-d1-bookmark").Single();
        return (await Reply.ReadAsync(response), bookmark);
    }

    static async Task<string> ContentAsync(AtollServer server, string uuid)
    {
        var reply = await server.QueryAsync(uuid, new { sql = "SELECT id, v, length(big) AS big_length, substr(big, -20) AS big_tail FROM t ORDER BY id" });
        Assert.True(reply.Success, reply.Text);
        return reply.Result[0].GetProperty("results").GetRawText();
    }

    static async Task<string> BookmarkAsync(AtollServer server, string uuid)
    {
        var reply = await Reply.ReadAsync(await server.Client.GetAsync($"{server.Databases()}/{uuid}/time_travel/bookmark", Ct));
        Assert.True(reply.Success, reply.Text);
        return reply.Result.GetProperty("bookmark").GetString()!;
    }

    /// <summary>The log entries of the database that are in the bucket, by sequence.</summary>
    async Task<HashSet<long>> UploadedAsync(string uuid)
    {
        using var store = new S3ObjectStore(_s3.Options());
        var keys = await store.ListAsync($"databases/{uuid}/log/", Ct);
        return [.. keys.Select(k => Convert.ToInt64(Path.GetFileNameWithoutExtension(k), 16))];
    }

    /// <summary>
    /// A write made while S3 is up. The class's short upload limit keeps the S3-down cases quick, but on a loaded machine
    /// an upload (the first one claims the owner's epoch and uploads the baseline snapshot) can outlast it: such a write
    /// was kept locally (7429) and must then reach the bucket by itself. Anything else fails the test.
    /// </summary>
    async Task<(Reply Reply, string Bookmark)> WriteWhileUpAsync(AtollServer server, string uuid, string sql, params object[] args)
    {
        var (reply, bookmark) = await WriteAsync(server, uuid, sql, args);
        if (reply.Success) return (reply, bookmark);
        Assert.True(reply.ErrorCode == 7429 && reply.ErrorMessage.Contains("kept locally"), reply.Text);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await UploadedAsync(uuid)).Contains(Sequence(bookmark)) && DateTime.UtcNow < deadline) await Task.Delay(200, Ct);
        Assert.Contains(Sequence(bookmark), await UploadedAsync(uuid));
        return (reply, bookmark);
    }

    static long Sequence(string bookmark) => Bookmark.TryParse(bookmark, out var parsed) ? parsed.Sequence : throw new FormatException(bookmark);

    static string Big(int seed) => string.Concat(Enumerable.Repeat($"<{seed:d6}>", 20_000)); // 160 kB: overflow pages

    [Fact]
    public async Task A_database_whose_local_files_are_lost_is_rebuilt_from_S3_to_its_last_acknowledged_commit()
    {
        var server = await StartServerAsync();
        var uuid = await server.CreateDatabaseAsync();
        await WriteWhileUpAsync(server, uuid, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, big TEXT)");
        var acknowledged = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var (reply, bookmark) = i switch
            {
                _ when i % 10 == 9 => await WriteWhileUpAsync(server, uuid, "DELETE FROM t WHERE id = ?", i - 5),
                _ when i % 7 == 6 => await WriteWhileUpAsync(server, uuid, "UPDATE t SET v = v || '+' WHERE id < ?", i),
                _ when i % 5 == 0 => await WriteWhileUpAsync(server, uuid, "INSERT INTO t VALUES (?, ?, ?)", i, $"row {i}", Big(i)),
                _ => await WriteWhileUpAsync(server, uuid, "INSERT INTO t(id, v) VALUES (?, ?)", i, $"row {i}"),
            };
            // Acknowledged only once the entry is in the bucket: look right after the answer, no waiting.
            if (reply.Success) Assert.Contains(Sequence(bookmark), await UploadedAsync(uuid));
            acknowledged.Add(bookmark);
        }
        var content = await ContentAsync(server, uuid);
        var last = await BookmarkAsync(server, uuid);
        Assert.Equal(acknowledged[^1], last);

        server = await AssertRebuiltFromBucketAsync(uuid, content, last);
        var quickCheck = await server.QueryAsync(uuid, new { sql = "SELECT * FROM pragma_quick_check" });
        Assert.Equal("ok", quickCheck.Result[0].GetProperty("results")[0].GetProperty("quick_check").GetString());
        // The history came back too: Time Travel reaches a bookmark from before the loss.
        var restore = await Reply.ReadAsync(await server.Client.PostAsync(
            $"{server.Databases()}/{uuid}/time_travel/restore?bookmark={acknowledged[4]}", null, Ct));
        Assert.True(restore.Success, restore.Text);
        Assert.Equal("[0,1,2,3,4]", IdsOf(await ContentAsync(server, uuid)));
        Assert.True((await Reply.ReadAsync(await server.Client.PostAsync(
            $"{server.Databases()}/{uuid}/time_travel/restore?bookmark={restore.Result.GetProperty("previous_bookmark").GetString()}", null, Ct))).Success);
        Assert.Equal(content, await ContentAsync(server, uuid));
        var (_, nextBookmark) = await WriteWhileUpAsync(server, uuid, "INSERT INTO t(id, v) VALUES (100, 'after the rebuild')");
        Assert.True(string.CompareOrdinal(nextBookmark, last) > 0);
    }

    static string IdsOf(string rowsJson)
        => "[" + string.Join(",", System.Text.Json.JsonDocument.Parse(rowsJson).RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetInt64())) + "]";

    [Fact]
    public async Task Unreachable_S3_fails_writes_clearly_keeps_the_server_up_and_ships_the_commits_when_it_returns()
    {
        var server = await StartServerAsync();
        var uuid = await server.CreateDatabaseAsync();
        await WriteWhileUpAsync(server, uuid, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, big TEXT)");
        await WriteWhileUpAsync(server, uuid, "INSERT INTO t(id, v) VALUES (1, 'before')");

        await _s3.KillAsync();
        var stopwatch = Stopwatch.StartNew();
        var (failed, failedBookmark) = await WriteAsync(server, uuid, "INSERT INTO t VALUES (2, 'during', ?)", Big(2));
        Assert.Equal((429, false, 7429), (failed.Status, failed.Success, failed.ErrorCode));
        Assert.Contains("object storage did not take commit", failed.ErrorMessage);
        Assert.Contains("kept locally", failed.ErrorMessage);
        // It waited for the store (not failed at once); the upper bound only catches a hang, so it is wide for a loaded machine.
        Assert.InRange(stopwatch.Elapsed, UploadTimeout - TimeSpan.FromMilliseconds(100), UploadTimeout + TimeSpan.FromSeconds(30));
        var (failedAgain, failedAgainBookmark) = await WriteAsync(server, uuid, "UPDATE t SET v = 'during, updated' WHERE id = 1");
        Assert.Equal((429, 7429), (failedAgain.Status, failedAgain.ErrorCode));
        Assert.True(Sequence(failedAgainBookmark) > Sequence(failedBookmark));

        // Still serving: reads answer from the local file, which has both commits.
        Assert.Contains("ok", await server.Client.GetStringAsync("/healthz", Ct));
        var whileDown = await ContentAsync(server, uuid);
        Assert.Equal("[1,2]", IdsOf(whileDown));
        Assert.Contains("during, updated", whileDown);

        await _s3.RestartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await UploadedAsync(uuid)).Contains(Sequence(failedAgainBookmark)) && DateTime.UtcNow < deadline) await Task.Delay(200, Ct);
        var uploaded = await UploadedAsync(uuid);
        Assert.Contains(Sequence(failedBookmark), uploaded);
        Assert.Contains(Sequence(failedAgainBookmark), uploaded);
        var (_, afterBookmark) = await WriteWhileUpAsync(server, uuid, "INSERT INTO t(id, v) VALUES (3, 'after')");
        var content = await ContentAsync(server, uuid);
        Assert.Equal("[1,2,3]", IdsOf(content));
        await AssertRebuiltFromBucketAsync(uuid, content, afterBookmark);
    }

    [Fact]
    public async Task Commits_kept_locally_while_S3_was_down_are_shipped_even_after_a_server_restart()
    {
        var server = await StartServerAsync();
        var uuid = await server.CreateDatabaseAsync();
        await WriteWhileUpAsync(server, uuid, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, big TEXT)");
        await _s3.KillAsync();
        var (during, duringBookmark) = await WriteAsync(server, uuid, "INSERT INTO t(id, v) VALUES (1, 'during')");
        Assert.Equal(7429, during.ErrorCode);

        // Restarted while the bucket is still unreachable: the backlog is only in the local log now.
        await StopServerAsync();
        server = await StartServerAsync();
        Assert.Equal("[1]", IdsOf(await ContentAsync(server, uuid)));
        var (afterRestart, afterRestartBookmark) = await WriteAsync(server, uuid, "INSERT INTO t(id, v) VALUES (2, 'after the restart')");
        Assert.Equal(7429, afterRestart.ErrorCode);
        Assert.True(Sequence(afterRestartBookmark) > Sequence(duringBookmark));

        await _s3.RestartAsync();
        var (back, backBookmark) = await WriteAsync(server, uuid, "INSERT INTO t(id, v) VALUES (3, 'S3 is back')");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!back.Success && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, Ct);
            (back, backBookmark) = await WriteAsync(server, uuid, "INSERT OR REPLACE INTO t(id, v) VALUES (3, 'S3 is back')");
        }
        Assert.True(back.Success, back.Text);
        // Acknowledged with WaitForUpload: the bucket must hold every commit up to it, the backlog included.
        var uploaded = await UploadedAsync(uuid);
        var first = uploaded.Min();
        Assert.All(Enumerable.Range((int)first, (int)(Sequence(backBookmark) - first + 1)), s => Assert.Contains((long)s, uploaded));
        var content = await ContentAsync(server, uuid);
        Assert.Equal("[1,2,3]", IdsOf(content));
        await AssertRebuiltFromBucketAsync(uuid, content, backBookmark);
    }
}
