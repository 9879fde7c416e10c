using Atoll.Engine;
using Atoll.Server.Grains;
using Atoll.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Atoll.Server.Tests.Grains;

/// <summary>
/// Requests that reach a database's grain while it is being deleted, or after: they hear D1's Not Found, never an overloaded
/// error for a wait that could not end, and never bring an empty database back under the deleted one's name.
/// </summary>
public sealed class DeleteRaceTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static QueryRequest Select(string sql) => new([new Statement(sql, [])]);

    [Fact]
    public async Task A_query_reaching_the_grain_while_it_deletes_hears_not_found_and_nothing_comes_back_afterwards()
    {
        // One reader, no time limit: the endless read below keeps the delete draining for as long as the test wants.
        // The queue limit is short: without a way out of the drained queue, the query would be shed with 7429 after it.
        await using var server = await AtollServer.StartAsync(extraArgs:
            ["--Atoll:Engine:MaxRequestDuration=01:00:00", "--Atoll:Engine:ReaderCount=1", "--Atoll:MaxQueueWait=00:00:02"]);
        var activity = server.Services.GetRequiredService<QueryActivity>();
        var active = server.Services.GetRequiredService<DatabaseGrains>().Active;
        var files = server.Services.GetRequiredService<DatabaseFiles>();
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var uuid = await server.CreateDatabaseAsync();
        Assert.True((await server.QueryAsync(uuid, new { sql = "CREATE TABLE t(a); INSERT INTO t VALUES (1)" })).Success);
        Assert.True(File.Exists(files.File(uuid)));

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var endless = server.Client.PostAsync($"{server.Databases()}/{uuid}/query", AtollServer.Json(new
        {
            sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) AS n FROM c",
        }), cancel.Token);
        await QueryQueueTests.WaitUntil(() => activity.ReadsRunning == 1, "the endless read holds the only reader");

        var deleting = server.Client.DeleteAsync($"{server.Databases()}/{uuid}", Ct);
        // Withdrawn from direct reads in the same grain turn that starts the drain, which then waits for the endless read.
        await QueryQueueTests.WaitUntil(() => active.Find(uuid) is null, "the delete began draining");
        Assert.False(deleting.IsCompleted);

        // A request that found the database in the catalog before the delete removed it, arriving at the grain now.
        var late = await grains.GetGrain<IDatabaseGrain>(uuid).Query(Select("SELECT a FROM t"), Ct);
        Assert.Equal(D1ErrorCode.NotFound, late.ErrorCode);
        Assert.Equal("Not Found", late.ErrorMessage);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => endless);
        var deleted = await Reply.ReadAsync(await deleting);
        Assert.True(deleted.Success, deleted.Text);

        // After the delete (this activation or a new one): still Not Found, and no file under the deleted database's name.
        await AssertNotFoundAndNoFile(grains, files, uuid);
    }

    [Fact]
    public async Task A_grain_of_a_database_not_in_the_catalog_opens_nothing_and_answers_not_found()
    {
        await using var server = await AtollServer.StartAsync();
        var files = server.Services.GetRequiredService<DatabaseFiles>();
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        await AssertNotFoundAndNoFile(grains, files, Guid.NewGuid().ToString());
    }

    static async Task AssertNotFoundAndNoFile(IGrainFactory grains, DatabaseFiles files, string uuid)
    {
        var error = await Assert.ThrowsAsync<D1Exception>(() => grains.GetGrain<IDatabaseGrain>(uuid).Query(Select("SELECT 1"), Ct));
        Assert.Equal(D1ErrorCode.NotFound, error.Code);
        Assert.False(File.Exists(files.File(uuid)), $"{files.File(uuid)} exists");
        Assert.False(Directory.Exists(files.Folder(uuid)), $"{files.Folder(uuid)} exists");
    }
}
