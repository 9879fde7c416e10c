namespace Atoll.Cluster.Tests;

/// <summary>
/// A frozen owner (SIGSTOP) is declared dead, its database moves and takes writes elsewhere; thawed (SIGCONT), the old
/// owner acknowledges none of what it had pending, the history keeps one branch, and the old node steps down.
/// </summary>
[Collection("cluster")]
public sealed class ZombieTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Thawed_owner_acknowledges_nothing_pending_and_steps_down()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var run = Guid.NewGuid().ToString("N")[..8];
        var admin = cluster.Nodes[0];
        string database = "";
        ClusterNode? owner = null;
        // A database owned by a node other than the one the test administers through.
        for (var i = 0; owner is null || owner == admin; i++)
        {
            database = await ClusterFixture.CreateTableAsync(admin, $"zombie-{run}-{i}", ct);
            var owners = await ClusterFixture.ListAsync(admin, ct);
            owner = cluster.Nodes.Single(n => owners[n.Name].Databases.Contains(database));
        }
        var front = cluster.Nodes.First(n => n != owner && n != admin);

        // Writes in flight to the owner when it freezes: they may fail, they must never be acknowledged unless kept.
        var load = new WriteLoad([database], _ => front);
        load.Start();
        await FailoverTests.WaitUntilAsync(() => load.Acknowledged[database].Count >= 5, TimeSpan.FromMinutes(1), ct);
        await owner.FreezeAsync();
        try
        {
            var frozenAt = DateTime.UtcNow;
            // The cluster declares it dead and the database opens elsewhere: writes through the others are acknowledged again.
            var moved = await FailoverTests.WaitUntilAsync(() => load.LastAck.TryGetValue(database, out var at) && at > frozenAt.AddSeconds(1),
                TimeSpan.FromMinutes(3), ct);
            Assert.True(moved, $"the database did not answer again while its owner was frozen:\n{string.Join("\n", load.Failures.Take(20))}\n{cluster.Logs()}");
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
        finally
        {
            await owner.ThawAsync();
        }
        await Task.Delay(TimeSpan.FromSeconds(5), ct); // the zombie runs again, with its pending writes, next to the new owner
        await load.DisposeAsync();

        // It learns it was declared dead and exits.
        Assert.True(await owner.WaitForExitAsync(TimeSpan.FromMinutes(2), ct), $"{owner.Name} did not step down:\n{owner.Output}");
        await owner.ReapAsync();

        var present = await admin.IdsAsync(database, ct);
        Assert.NotNull(present);
        var acknowledged = load.Acknowledged[database].ToHashSet();
        var lost = acknowledged.Where(id => !present.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"acknowledged ids lost: {string.Join(", ", lost)}");
        // One branch: ids are written in order, one writer, each acknowledged before the next is sent; whatever is present
        // beyond the acknowledged ones can only be writes whose answer was lost, never a second history.
        var (_, check) = await admin.QueryAsync(database, "PRAGMA quick_check", null, ct);
        Assert.Equal("ok", check.GetProperty("result")[0].GetProperty("results")[0].GetProperty("quick_check").GetString());

        // The store's history is one chain: the database, rebuilt elsewhere from it alone, still holds every acknowledged id.
        var current = await ClusterFixture.ListAsync(admin, ct);
        var newOwner = cluster.Nodes.Single(n => n.IsRunning && current.TryGetValue(n.Name, out var v) && v.Databases.Contains(database));
        if (newOwner != admin)
        {
            await newOwner.KillAsync();
            var rebuilt = await admin.IdsAsync(database, ct);
            for (var i = 0; rebuilt is null && i < 60; i++)
            {
                await Task.Delay(1000, ct);
                rebuilt = await admin.IdsAsync(database, ct);
            }
            Assert.True(rebuilt is not null, $"the database did not answer after its new owner was killed:\n{cluster.Logs()}");
            var lostAfterRebuild = acknowledged.Where(id => !rebuilt.Contains(id)).ToList();
            Assert.True(lostAfterRebuild.Count == 0, $"acknowledged ids lost after the rebuild: {string.Join(", ", lostAfterRebuild)}");
        }
    }
}
