namespace Atoll.Server.Tests.TimeTravel;

[Collection(ServerCollection.Name)]
public sealed class TimeTravelApiTests(ServerFixture fixture)
{
    readonly AtollServer _server = fixture.Server;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    async Task<string> BookmarkAsync(string uuid, string query = "")
    {
        var reply = await Reply.ReadAsync(await _server.Client.GetAsync($"{_server.Databases()}/{uuid}/time_travel/bookmark{query}", Ct));
        Assert.True(reply.Success, reply.Text);
        return reply.Result.GetProperty("bookmark").GetString()!;
    }

    async Task<Reply> RestoreAsync(string uuid, string query, HttpClient? client = null)
        => await Reply.ReadAsync(await (client ?? _server.Client).PostAsync($"{_server.Databases()}/{uuid}/time_travel/restore?{query}", null, Ct));

    async Task<string> ValuesAsync(string uuid)
        => (await _server.QueryAsync(uuid, new { sql = "SELECT group_concat(v) AS v FROM (SELECT v FROM t ORDER BY rowid)" }))
            .Result[0].GetProperty("results")[0].GetProperty("v").ToString();

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("../../etc")]
    [InlineData("a\u0000b")]
    [InlineData("-x")]
    public async Task Fork_refuses_names_outside_the_naming_rule_and_creates_nothing(string name)
    {
        var uuid = await _server.CreateDatabaseAsync();
        var before = await DatabaseCountAsync();
        var reply = await Reply.ReadAsync(await _server.Client.PostAsync($"{_server.Databases()}/{uuid}/fork", AtollServer.Json(new { name }), Ct));
        Assert.Equal((400, false, 7400), (reply.Status, reply.Success, reply.ErrorCode));
        Assert.Contains("Database name must start with a letter or digit", reply.ErrorMessage);
        Assert.Equal(before, await DatabaseCountAsync());
    }

    [Fact]
    public async Task Fork_refuses_a_5000_character_name_and_another_databases_uuid()
    {
        var uuid = await _server.CreateDatabaseAsync();
        var other = await _server.CreateDatabaseAsync();
        foreach (var name in new[] { new string('a', 5000), other })
        {
            var reply = await Reply.ReadAsync(await _server.Client.PostAsync($"{_server.Databases()}/{uuid}/fork", AtollServer.Json(new { name }), Ct));
            Assert.Equal((400, 7400), (reply.Status, reply.ErrorCode));
        }
        // The uuid still names the other database, not a fork.
        var get = await Reply.ReadAsync(await _server.Client.GetAsync($"{_server.Databases()}/{other}", Ct));
        Assert.Equal(other, get.Result.GetProperty("uuid").GetString());
    }

    async Task<int> DatabaseCountAsync()
        => (await Reply.ReadAsync(await _server.Client.GetAsync(_server.Databases(), Ct))).Body.GetProperty("result_info").GetProperty("total_count").GetInt32();

    [Fact]
    public async Task Restore_goes_back_to_a_bookmark_and_can_be_undone_and_redone()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(v); INSERT INTO t VALUES ('a')" });
        var atA = await BookmarkAsync(uuid);
        await _server.QueryAsync(uuid, new { sql = "INSERT INTO t VALUES ('b'); DELETE FROM t WHERE v = 'a'" });
        Assert.Equal("b", await ValuesAsync(uuid));

        var restore = await RestoreAsync(uuid, $"bookmark={atA}");
        Assert.Equal((200, "Database restored successfully"), (restore.Status, restore.Result.GetProperty("message").GetString()));
        var after = restore.Result.GetProperty("bookmark").GetString()!;
        var previous = restore.Result.GetProperty("previous_bookmark").GetString()!;
        Assert.True(string.CompareOrdinal(previous, after) < 0);
        Assert.Equal("a", await ValuesAsync(uuid));
        Assert.Equal(after, await BookmarkAsync(uuid));

        Assert.True((await RestoreAsync(uuid, $"bookmark={previous}")).Success); // undo
        Assert.Equal("b", await ValuesAsync(uuid));
        Assert.True((await RestoreAsync(uuid, $"bookmark={after}")).Success); // redo
        Assert.Equal("a", await ValuesAsync(uuid));
        await _server.QueryAsync(uuid, new { sql = "INSERT INTO t VALUES ('c')" });
        Assert.Equal("a,c", await ValuesAsync(uuid));
    }

    [Fact]
    public async Task Bookmark_for_a_timestamp_is_deterministic_and_restores_by_timestamp()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(v); INSERT INTO t VALUES ('one')" });
        await Task.Delay(1100, Ct);
        var between = DateTimeOffset.UtcNow.ToString("O");
        await Task.Delay(1100, Ct);
        await _server.QueryAsync(uuid, new { sql = "INSERT INTO t VALUES ('two')" });
        var first = await BookmarkAsync(uuid, $"?timestamp={Uri.EscapeDataString(between)}");
        Assert.Equal(first, await BookmarkAsync(uuid, $"?timestamp={Uri.EscapeDataString(between)}"));
        Assert.True((await RestoreAsync(uuid, $"timestamp={Uri.EscapeDataString(between)}")).Success);
        Assert.Equal("one", await ValuesAsync(uuid));
    }

    [Theory]
    [InlineData("bookmark=nonsense", 400, "is not a bookmark")]
    [InlineData("bookmark=00000000-000fffff-00000000-00000000000000000000000000000000", 400, "does not name a commit")]
    [InlineData("timestamp=2999-01-01T00:00:00Z", 400, "in the future")]
    [InlineData("timestamp=2001-01-01T00:00:00Z", 400, "retention")]
    [InlineData("timestamp=yesterday", 400, "is not a timestamp")]
    [InlineData("", 400, "needs a bookmark or a timestamp")]
    public async Task Restore_rejects_bad_bookmarks_and_timestamps_and_changes_nothing(string query, int status, string message)
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(v); INSERT INTO t VALUES ('kept')" });
        var before = await BookmarkAsync(uuid);
        var reply = await RestoreAsync(uuid, query);
        Assert.Equal((status, false), (reply.Status, reply.Success));
        Assert.Contains(message, reply.ErrorMessage);
        Assert.Equal("kept", await ValuesAsync(uuid));
        Assert.Equal(before, await BookmarkAsync(uuid));
    }

    [Fact]
    public async Task Restores_are_limited_to_ten_per_ten_minutes()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(v); INSERT INTO t VALUES ('x')" });
        var bookmark = await BookmarkAsync(uuid);
        for (var i = 0; i < 10; i++) Assert.True((await RestoreAsync(uuid, $"bookmark={bookmark}")).Success);
        var limited = await RestoreAsync(uuid, $"bookmark={bookmark}");
        Assert.Equal((429, 7429), (limited.Status, limited.ErrorCode));
        Assert.Contains("Too many restores", limited.ErrorMessage);
    }

    [Fact]
    public async Task Restore_needs_an_edit_token_and_a_live_database()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(v)" });
        var bookmark = await BookmarkAsync(uuid);
        var token = await Reply.ReadAsync(await _server.Client.PostAsync($"/client/v4/accounts/{_server.AccountId}/tokens",
            AtollServer.Json(new { name = "reader", permission = "read" }), Ct));
        using var reader = _server.NewClient(token.Result.GetProperty("value").GetString());
        Assert.Equal(403, (await RestoreAsync(uuid, $"bookmark={bookmark}", reader)).Status);
        await _server.Client.DeleteAsync($"{_server.Databases()}/{uuid}", Ct);
        Assert.Equal((404, 7404), ((await RestoreAsync(uuid, $"bookmark={bookmark}")).Status, (await RestoreAsync(uuid, $"bookmark={bookmark}")).ErrorCode));
    }

    [Fact]
    public async Task Fork_creates_a_new_database_from_a_bookmark()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(v); INSERT INTO t VALUES ('before')" });
        var bookmark = await BookmarkAsync(uuid);
        await _server.QueryAsync(uuid, new { sql = "INSERT INTO t VALUES ('after')" });
        var name = "fork-" + Guid.NewGuid().ToString("N")[..8];
        var fork = await Reply.ReadAsync(await _server.Client.PostAsync($"{_server.Databases()}/{uuid}/fork",
            AtollServer.Json(new { name, bookmark }), Ct));
        Assert.True(fork.Success, fork.Text);
        var forkUuid = fork.Result.GetProperty("database").GetProperty("uuid").GetString()!;
        Assert.Equal(name, fork.Result.GetProperty("database").GetProperty("name").GetString());
        Assert.Equal(bookmark, fork.Result.GetProperty("forked_from").GetProperty("bookmark").GetString());
        Assert.Equal("before", await ValuesAsync(forkUuid));
        await _server.QueryAsync(forkUuid, new { sql = "INSERT INTO t VALUES ('fork')" });
        Assert.Equal("before,after", await ValuesAsync(uuid));
        Assert.Equal("before,fork", await ValuesAsync(forkUuid));
        var dup = await Reply.ReadAsync(await _server.Client.PostAsync($"{_server.Databases()}/{uuid}/fork", AtollServer.Json(new { name, bookmark }), Ct));
        Assert.Equal((400, 7502), (dup.Status, dup.ErrorCode));
    }

    [Fact]
    public async Task Every_commit_is_copied_to_the_object_store()
    {
        var uuid = await _server.CreateDatabaseAsync();
        await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(v)" });
        for (var i = 0; i < 3; i++) await _server.QueryAsync(uuid, new { sql = "INSERT INTO t VALUES (?)", @params = new[] { i } });
        var log = Path.Combine(_server.DataDirectory, "objects", "databases", uuid, "log");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((!Directory.Exists(log) || Directory.GetFiles(log).Length < 5) && DateTime.UtcNow < deadline) await Task.Delay(100, Ct);
        Assert.True(Directory.GetFiles(log).Length >= 5, "baseline + 4 commits should be in the object store");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_server.DataDirectory, "objects", "databases", uuid, "snapshots")));
    }
}
