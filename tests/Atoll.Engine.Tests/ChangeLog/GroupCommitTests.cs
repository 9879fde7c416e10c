using Atoll.Engine.ChangeLog;

namespace Atoll.Engine.Tests.ChangeLog;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task Writers_waiting_together_share_syncs_and_the_durable_point_is_handed_on_in_order()
    {
        var syncs = 0;
        var shipped = new List<long>();
        var commit = new GroupCommit(0, () =>
        {
            Interlocked.Increment(ref syncs);
            Thread.Sleep(20); // a slow disk: commits pile up behind the sync in progress
        }, upTo => { lock (shipped) shipped.Add(upTo); });

        var waits = new List<Task>();
        for (var sequence = 1; sequence <= 40; sequence++)
        {
            commit.Appended(sequence);
            waits.Add(commit.WaitForAsync(sequence));
        }
        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.InRange(syncs, 1, 5);
        Assert.Equal(40, shipped[^1]);
        Assert.Equal(shipped.Order(), shipped); // the shipper is told a durable point that only moves forward
    }

    [Fact]
    public void A_failed_sync_fails_its_waiters_and_hands_nothing_on_until_the_next_sync_succeeds()
    {
        var fail = true;
        var shipped = new List<long>();
        var commit = new GroupCommit(-1, () =>
        {
            if (fail) throw new D1Exception(D1ErrorCode.SqlError, "disk said no");
        }, shipped.Add);
        commit.Appended(0);
        commit.Appended(1);

        Assert.Equal("disk said no", Assert.Throws<D1Exception>(() => commit.WaitFor(1)).Message);
        Assert.Empty(shipped);
        fail = false;
        commit.WaitFor(1);
        Assert.Equal([1L], shipped);
    }

    [Fact]
    public void Waiting_past_the_last_append_returns_once_what_was_appended_is_durable()
    {
        var syncs = 0;
        var commit = new GroupCommit(2, () => syncs++, _ => { });
        commit.WaitFor(2); // already durable: no sync
        commit.Appended(3);
        commit.WaitFor(long.MaxValue); // e.g. a commit whose capture failed has no entry to wait for
        commit.WaitFor(3);
        Assert.Equal(1, syncs);
    }
}
