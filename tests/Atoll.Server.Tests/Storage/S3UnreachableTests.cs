using Atoll.Engine;
using Atoll.Server.Storage;

namespace Atoll.Server.Tests.Storage;

/// <summary>With the S3 endpoint unreachable, databases are still created and used: a new database needs no history.</summary>
public sealed class S3UnreachableTests : IAsyncLifetime
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    S3rverProcess _s3 = null!;
    readonly string _data = Path.Combine(Path.GetTempPath(), "atoll-s3-down-" + Guid.NewGuid().ToString("N"));
    readonly string _token = "s3-admin-" + Guid.NewGuid().ToString("N");
    AtollServer? _server;

    public async ValueTask InitializeAsync() => _s3 = await S3rverProcess.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.StopAsync(deleteData: false);
        await _s3.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Creating_a_database_while_S3_is_unreachable_succeeds_and_its_history_ships_once_S3_returns()
    {
        await _s3.KillAsync();
        _server = await AtollServer.StartAsync(_data, _token, _s3.ServerArgs(waitForUpload: false, TimeSpan.FromSeconds(2)));
        var uuid = await _server.CreateDatabaseAsync(); // asserts success (was HTTP 500: activation listed the store)
        var write = await _server.QueryAsync(uuid, new { sql = "CREATE TABLE t(v); INSERT INTO t VALUES ('while S3 was down')" });
        Assert.True(write.Success, write.Text);
        var read = await _server.QueryAsync(uuid, new { sql = "SELECT v FROM t" });
        Assert.Equal("while S3 was down", read.Result[0].GetProperty("results")[0].GetProperty("v").GetString());

        await _s3.RestartAsync();
        using var store = new S3ObjectStore(_s3.Options());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        IReadOnlyList<string> keys = [];
        while (keys.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, Ct);
            keys = await store.ListAsync($"databases/{uuid}/log/", Ct);
        }
        Assert.Equal([$"databases/{uuid}/log/{0:x16}.entry", $"databases/{uuid}/log/{1:x16}.entry"], keys); // baseline and the write
        Assert.Single(await store.ListAsync($"databases/{uuid}/snapshots/", Ct));
    }
}
