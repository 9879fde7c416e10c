using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Cli.Output;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 list</c>: every database of the account.</summary>
internal static class D1ListCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var command = new Command("list", "List the account's databases");
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var databases = await server.Databases.ListDatabasesAsync(cancellationToken);
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartArray();
                    foreach (var database in databases) DatabaseOutput.Write(json, database);
                    json.WriteEndArray();
                });
            else console.Ansi.Write(DatabaseOutput.Table(databases));
            return ExitCodes.Ok;
        });
        return command;
    }
}
