using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Cli.Output;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 create NAME</c>.</summary>
internal static class D1CreateCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The new database's name (letters, digits, _ and -)" };
        var command = new Command("create", "Create a database") { name };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var info = await server.Databases.CreateDatabaseAsync(context.Value(name), cancellationToken);
            if (context.Json) context.WriteJson(json => DatabaseOutput.Write(json, info));
            else console.Out.WriteLine($"Created database '{info.Name}' ({info.Uuid}).");
            return ExitCodes.Ok;
        });
        return command;
    }
}
