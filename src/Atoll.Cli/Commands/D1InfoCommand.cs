using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Cli.Output;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 info DB</c>: the database's uuid, size and table count, measured now.</summary>
internal static class D1InfoCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var command = new Command("info", "Show a database's details") { database };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var info = await server.Databases.GetDatabaseAsync(context.Value(database), cancellationToken)
                ?? throw NotFound(context.Value(database));
            if (context.Json) context.WriteJson(json => DatabaseOutput.Write(json, info));
            else console.Ansi.Write(DatabaseOutput.Table([info]));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The one line for a database that does not exist.</summary>
    public static CommandFailure NotFound(string database) => new($"Couldn't find a database named '{database}' (by name or uuid) in this account.");
}
