namespace Atoll.Engine.Tests.ChangeLog;

public sealed class SnapshotRetryTests : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-snapretry-" + Guid.NewGuid().ToString("N"));
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_snapshot_that_fails_once_is_retried_and_the_failure_is_counted_and_reported()
    {
        var store = new FaultyStore(Path.Combine(_directory, "objects"));
        var reported = new List<string>();
        var options = new ChangeLogOptions
        {
            ObjectStore = store,
            ObjectPrefix = "x/",
            SnapshotEveryCommits = 10,
            SnapshotRetryDelay = TimeSpan.FromMilliseconds(50),
            OnFailure = (what, _) => { lock (reported) reported.Add(what); },
        };
        var path = Path.Combine(_directory, "db", "db.sqlite");
        await using var db = await Database.OpenAsync(path, changeLog: options, cancellationToken: Ct);
        db.Execute(QueryRequest.Single("CREATE TABLE t(v)"), Ct);
        // The shipper lists the store's snapshots once when it starts; only once its first entry is in has it passed
        // that list, so the fault below cannot be taken by it instead of the snapshot (a race on a loaded machine).
        await db.WaitForUploadAsync(db.CurrentBookmark, TimeSpan.FromSeconds(60), Ct);
        // Building a snapshot lists the store's snapshots: that list fails once.
        store.FailNext(key => key == "x/snapshots/", times: 1);
        for (var i = 0; i < 10; i++) db.Execute(QueryRequest.Single("INSERT INTO t VALUES (?)", SqlValue.FromInteger(i)), Ct);
        await db.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(1, db.LogCounters!.SnapshotFailures);
        Assert.Equal(1, db.LogCounters.Snapshots);
        Assert.Contains(reported, r => r.StartsWith("snapshot 10 of x/ failed", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(_directory, "db", "snapshots", $"{10:x16}.db")));
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
