using Atoll.Engine.ChangeLog;

namespace Atoll.Engine.Tests.ChangeLog;

public sealed class GroupCommitTests
{
    static LogEntry Entry(long sequence) => new(sequence, sequence, LogEntryKind.Commit, 0, 4096, 1, 0, 0, []);

    [Fact]
    public async Task Writers_waiting_together_share_syncs_and_entries_are_handed_on_once_in_order()
    {
        var syncs = 0;
        var shipped = new List<long>();
        var commit = new GroupCommit(0, () =>
        {
            Interlocked.Increment(ref syncs);
            Thread.Sleep(20); // a slow disk: commits pile up behind the sync in progress
        }, entries => { lock (shipped) shipped.AddRange(entries.Select(e => e.Sequence)); });

        var waits = new List<Task>();
        for (var sequence = 1; sequence <= 40; sequence++)
        {
            commit.Appended(Entry(sequence), keep: true);
            waits.Add(commit.WaitForAsync(sequence));
        }
        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.InRange(syncs, 1, 5);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), shipped);
    }

    [Fact]
    public void A_failed_sync_fails_its_waiters_keeps_the_entries_and_the_next_sync_hands_them_on()
    {
        var fail = true;
        var shipped = new List<long>();
        var commit = new GroupCommit(-1, () =>
        {
            if (fail) throw new D1Exception(D1ErrorCode.SqlError, "disk said no");
        }, entries => shipped.AddRange(entries.Select(e => e.Sequence)));
        commit.Appended(Entry(0), keep: true);
        commit.Appended(Entry(1), keep: true);

        Assert.Equal("disk said no", Assert.Throws<D1Exception>(() => commit.WaitFor(1)).Message);
        Assert.Empty(shipped);
        fail = false;
        commit.WaitFor(1);
        Assert.Equal([0L, 1L], shipped);
    }

    [Fact]
    public void Waiting_past_the_last_append_returns_once_what_was_appended_is_durable()
    {
        var syncs = 0;
        var commit = new GroupCommit(2, () => syncs++, _ => { });
        commit.WaitFor(2); // already durable: no sync
        commit.Appended(Entry(3), keep: false);
        commit.WaitFor(long.MaxValue); // e.g. a commit whose capture failed has no entry to wait for
        commit.WaitFor(3);
        Assert.Equal(1, syncs);
    }
}
