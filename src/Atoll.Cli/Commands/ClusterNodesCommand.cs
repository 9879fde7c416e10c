using System.CommandLine;
using Atoll.Cli.Hosting;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll cluster nodes</c>: every node that has not left, its region, status and open databases.</summary>
internal static class ClusterNodesCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var command = new Command("nodes", "List the cluster's nodes with their region, status and open databases (a single node lists itself)");
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var nodes = await server.ListNodesAsync(cancellationToken);
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartArray();
                    foreach (var node in nodes) ClusterCommand.Write(json, node);
                    json.WriteEndArray();
                });
            else console.Ansi.Write(ClusterCommand.Table(nodes));
            return ExitCodes.Ok;
        });
        return command;
    }
}
