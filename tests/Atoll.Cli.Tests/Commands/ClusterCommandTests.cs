namespace Atoll.Cli.Tests.Commands;

/// <summary><c>atoll cluster nodes | drain</c> against the single-node test server (a real drain needs a cluster: Atoll.Cluster.Tests).</summary>
public sealed class ClusterCommandTests(CliServer server) : IDisposable
{
    readonly Cli _cli = new(server);

    [Fact]
    public async Task Nodes_lists_the_single_node_with_its_region_and_open_databases()
    {
        var database = Cli.Name("node");
        var created = await _cli.RunAsync("d1", "create", database, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var uuid = created.Json().GetProperty("uuid").GetString()!;
        Assert.Equal(0, (await _cli.RunAsync("d1", "execute", database, "--command", "SELECT 1")).ExitCode);

        var json = await _cli.RunAsync("cluster", "nodes", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var node = Assert.Single(json.Json().EnumerateArray());
        Assert.True(node.GetProperty("name").GetString() == CliServer.NodeName, json.ToString());
        Assert.True(node.GetProperty("region").GetString() == CliServer.Region, json.ToString());
        Assert.True(node.GetProperty("status").GetString() == "active", json.ToString());
        Assert.Contains(uuid, node.GetProperty("databases").EnumerateArray().Select(d => d.GetString()));
        Assert.True(node.GetProperty("num_databases").GetInt32() == node.GetProperty("databases").GetArrayLength(), json.ToString());

        var table = await _cli.RunAsync("cluster", "nodes");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(CliServer.NodeName, table.Stdout);
        Assert.Contains(CliServer.Region, table.Stdout);
        Assert.Contains("active", table.Stdout);
    }

    [Fact]
    public async Task Nodes_is_refused_to_a_token_that_is_not_the_admin_token()
    {
        var created = await _cli.RunAsync("tokens", "create", "--name", Cli.Name("editor"), "--permission", "edit", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        using var editor = new Cli(server, created.Json().GetProperty("value").GetString());

        var run = await editor.RunAsync("cluster", "nodes");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("error: Authentication error: only the admin token may manage the cluster's nodes", run.Stderr);
    }

    [Fact]
    public async Task Drain_of_an_unknown_node_fails_with_a_clear_error()
    {
        var run = await _cli.RunAsync("cluster", "drain", "no-such-node", "--yes");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("error: No active node named 'no-such-node' in the cluster", run.Stderr);

        var nodes = await _cli.RunAsync("cluster", "nodes", "--json");
        Assert.True(Assert.Single(nodes.Json().EnumerateArray()).GetProperty("status").GetString() == "active", nodes.ToString());
    }

    [Fact]
    public async Task Drain_without_yes_asks_and_refuses_without_a_terminal()
    {
        var refused = await _cli.RunAsync("cluster", "drain", CliServer.NodeName);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("pass --yes", refused.Stderr);

        var declined = await _cli.RunAsync(["cluster", "drain", CliServer.NodeName], stdin: "n\n", interactive: true);
        Assert.True(declined.ExitCode == 1, declined.ToString());
        Assert.Contains("[y/N]", declined.Stderr);
        Assert.Contains("Not drained.", declined.Stderr);

        var nodes = await _cli.RunAsync("cluster", "nodes", "--json");
        Assert.True(Assert.Single(nodes.Json().EnumerateArray()).GetProperty("status").GetString() == "active", nodes.ToString());
    }

    [Fact]
    public async Task Drain_rejects_a_timeout_that_is_not_positive()
    {
        var run = await _cli.RunAsync("cluster", "drain", "no-such-node", "--yes", "--wait", "--timeout", "0");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--timeout must be a positive number of seconds", run.Stderr);
    }

    public void Dispose() => _cli.Dispose();
}
