using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Atoll.Cli.Hosting;
using Atoll.Cli.Output;
using Atoll.Client.Admin;
using Spectre.Console;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll cluster nodes | drain</c>: the server's nodes (admin token only).</summary>
internal static class ClusterCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals) => new("cluster", "The cluster's nodes: list them, drain one (admin token only)")
    {
        ClusterNodesCommand.Create(console, globals),
        ClusterDrainCommand.Create(console, globals),
    };

    public static void Write(Utf8JsonWriter json, AtollNode node)
    {
        json.WriteStartObject();
        json.WriteString("name", node.Name);
        json.WriteString("region", node.Region);
        json.WriteString("address", node.Address);
        json.WriteString("status", node.Status);
        JsonTimestamp.Write(json, "started_at", node.StartedAt);
        if (node.Databases is null)
        {
            json.WriteNull("num_databases");
            json.WriteNull("databases");
        }
        else
        {
            json.WriteNumber("num_databases", node.Databases.Count);
            json.WriteStartArray("databases");
            foreach (var database in node.Databases) json.WriteStringValue(database);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    /// <summary>One row per node; the databases are counted, not listed (<c>--json</c> lists them).</summary>
    public static Table Table(IEnumerable<AtollNode> nodes)
    {
        var table = new Table().AddColumns("name", "region", "status", "databases", "address", "started_at");
        foreach (var n in nodes)
            table.AddRow(Markup.Escape(n.Name), Markup.Escape(n.Region), Markup.Escape(n.Status),
                n.Databases is null ? "?" : n.Databases.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(n.Address),
                n.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        return table;
    }
}
