namespace Atoll.Cli.Tests.Commands;

/// <summary>time-travel info / restore, fork and insights.</summary>
public sealed class HistoryCommandTests(CliServer server) : IDisposable
{
    readonly Cli _cli = new(server);

    [Fact]
    public async Task Restore_to_a_bookmark_undoes_later_writes_and_fork_copies_a_past_state()
    {
        var name = Cli.Name("tt");
        await _cli.RunAsync("d1", "create", name);
        await _cli.RunAsync("d1", "execute", name, "--command", "CREATE TABLE t(a); INSERT INTO t VALUES (1)");
        var info = await _cli.RunAsync("d1", "time-travel", "info", name, "--json");
        Assert.True(info.ExitCode == 0, info.ToString());
        var bookmark = info.Json().GetProperty("bookmark").GetString()!;
        await _cli.RunAsync("d1", "execute", name, "--command", "INSERT INTO t VALUES (2)");

        var refused = await _cli.RunAsync("d1", "time-travel", "restore", name, "--bookmark", bookmark);
        Assert.Equal(2, refused.ExitCode);

        var fork = await _cli.RunAsync("d1", "fork", name, name + "-fork", "--bookmark", bookmark, "--json");
        Assert.True(fork.ExitCode == 0, fork.ToString());
        Assert.Equal(bookmark, fork.Json().GetProperty("forked_from").GetProperty("bookmark").GetString());

        var restore = await _cli.RunAsync("d1", "time-travel", "restore", name, "--bookmark", bookmark, "--yes", "--json");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.False(string.IsNullOrEmpty(restore.Json().GetProperty("previous_bookmark").GetString()));

        foreach (var database in new[] { name, name + "-fork" })
        {
            var count = await _cli.RunAsync("d1", "execute", database, "--command", "SELECT count(*) AS n FROM t", "--json");
            Assert.Equal(1, count.Json()[0].GetProperty("results")[0].GetProperty("n").GetInt32());
        }
    }

    [Fact]
    public async Task Insights_lists_the_queries_that_ran()
    {
        var name = Cli.Name("ins");
        await _cli.RunAsync("d1", "create", name);
        await _cli.RunAsync("d1", "execute", name, "--command", "CREATE TABLE t(a)");
        for (var i = 0; i < 3; i++) await _cli.RunAsync("d1", "execute", name, "--command", "SELECT * FROM t");

        var run = await _cli.RunAsync("d1", "insights", name, "--sort-by", "count", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var top = run.Json()[0];
        Assert.Equal("SELECT * FROM t", top.GetProperty("query").GetString());
        Assert.Equal(3, top.GetProperty("numberOfTimesRun").GetInt32());
    }

    public void Dispose() => _cli.Dispose();
}
