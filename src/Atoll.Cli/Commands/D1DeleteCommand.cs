using System.CommandLine;
using Atoll.Cli.Hosting;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 delete DB [-y]</c>: deletes a database and its data, after asking.</summary>
internal static class D1DeleteCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var yes = D1Command.YesOption();
        var command = new Command("delete", "Delete a database and all its data") { database, yes };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            var name = context.Value(database);
            using var server = context.Server();
            var info = await server.Databases.GetDatabaseAsync(name, cancellationToken) ?? throw D1InfoCommand.NotFound(name);
            if (!context.Confirm($"Delete database '{info.Name}' ({info.Uuid}) and all its data?", context.Value(yes)))
            {
                context.Note("Not deleted.");
                return ExitCodes.Failed;
            }
            var deleted = await server.Databases.DeleteDatabaseAsync(info.Uuid, cancellationToken);
            if (!deleted) throw D1InfoCommand.NotFound(name);
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("deleted", info.Uuid);
                    json.WriteString("name", info.Name);
                    json.WriteEndObject();
                });
            else console.Out.WriteLine($"Deleted database '{info.Name}' ({info.Uuid}).");
            return ExitCodes.Ok;
        });
        return command;
    }
}
