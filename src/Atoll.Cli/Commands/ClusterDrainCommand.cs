using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Atoll.Cli.Hosting;
using Atoll.Client;
using Atoll.Client.Admin;

namespace Atoll.Cli.Commands;

/// <summary>
/// <c>atoll cluster drain NAME [-y] [--wait [--timeout S]]</c>: the node closes its databases (they open on other nodes), leaves
/// the cluster and exits; <c>--wait</c> polls the node list until it is gone.
/// </summary>
internal static class ClusterDrainCommand
{
    static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The node's name (from atoll cluster nodes)" };
        var yes = D1Command.YesOption();
        var wait = new Option<bool>("--wait") { Description = "Wait until the node has left the cluster" };
        var timeout = new Option<int>("--timeout") { Description = "With --wait: give up after this many seconds", DefaultValueFactory = _ => 300 };
        var command = new Command("drain", "Drain a node: its databases move to the other nodes, then it leaves the cluster and exits") { name, yes, wait, timeout };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            var node = context.Value(name);
            var limit = context.Value(timeout);
            if (limit <= 0) throw new UsageException($"--timeout must be a positive number of seconds (got {limit}).");
            if (!context.Confirm($"Drain node {node}? Its databases move to the other nodes, and the node leaves the cluster and exits.", context.Value(yes)))
            {
                context.Note("Not drained.");
                return ExitCodes.Failed;
            }
            using var server = context.Server();
            var clock = Stopwatch.StartNew(); // the drain request itself returns only once the node has closed its databases
            if (!await server.DrainNodeAsync(node, cancellationToken))
                throw new CommandFailure($"No active node named '{node}' in the cluster (atoll cluster nodes lists them).");
            if (context.Value(wait)) context.Note($"Node {node} is draining; waiting until it has left the cluster (at most {limit} s).");
            double? seconds = context.Value(wait) ? await WaitUntilGoneAsync(context, server, node, clock, TimeSpan.FromSeconds(limit), cancellationToken) : null;
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("name", node);
                    json.WriteString("status", seconds is null ? "draining" : "left");
                    if (seconds is { } s) json.WriteNumber("seconds", Math.Round(s, 1));
                    json.WriteEndObject();
                });
            else if (seconds is { } s) console.Out.WriteLine($"Node {node} has left the cluster ({s.ToString("0.0", CultureInfo.InvariantCulture)} s).");
            else console.Out.WriteLine($"Node {node} is draining: it leaves the cluster once its databases have moved (atoll cluster nodes shows it until then).");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Polls the node list until <paramref name="node"/> is no longer in it; returns the seconds since the drain was asked.</summary>
    static async Task<double> WaitUntilGoneAsync(CliContext context, AtollServerApi server, string node, Stopwatch clock, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        string? lastStatus = null;
        while (true)
        {
            IReadOnlyList<AtollNode> nodes;
            try
            {
                nodes = await server.ListNodesAsync(cancellationToken);
            }
            catch (D1Exception ex) when (ex.IsTransient)
            {
                // Most often the server we ask is the drained node itself, which stops answering as it leaves.
                throw new CommandFailure($"{ex.Detail} — while waiting for node {node} to leave. If that server is node {node}, it has stopped "
                    + "answering as it leaves: point ATOLL_URL at another node and run atoll cluster nodes.");
            }
            if (nodes.FirstOrDefault(n => n.Name == node) is not { } current) return clock.Elapsed.TotalSeconds;
            if (current.Status != lastStatus)
            {
                context.Note($"{node}: {current.Status}, {(current.Databases is null ? "?" : current.Databases.Count.ToString(CultureInfo.InvariantCulture))} databases open");
                lastStatus = current.Status;
            }
            if (clock.Elapsed >= timeout)
                throw new CommandFailure($"Node {node} has not left the cluster after {timeout.TotalSeconds:0} s (status: {current.Status}).");
            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
