using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Cli.Shell;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 shell DB</c>: an interactive SQL shell, or a script runner when stdin is not a terminal.</summary>
internal static class D1ShellCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var command = new Command("shell", "An SQL shell on a database (reads a script from stdin when it is not a terminal)") { database };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var name = context.Value(database);
            _ = await server.Databases.GetDatabaseAsync(name, cancellationToken) ?? throw D1InfoCommand.NotFound(name);
            var history = Path.Combine(context.Profiles.Directory, "shell_history");
            return await new SqlShell(context, server, name, history).RunAsync(cancellationToken);
        });
        return command;
    }
}
