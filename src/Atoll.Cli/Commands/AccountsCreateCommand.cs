using System.CommandLine;
using Atoll.Cli.Hosting;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll accounts create NAME</c> (admin token only).</summary>
internal static class AccountsCreateCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The account's name" };
        var command = new Command("create", "Create an account (admin token only)") { name };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var account = await server.CreateAccountAsync(context.Value(name), cancellationToken);
            if (context.Json) context.WriteJson(json => AccountsCommand.Write(json, account));
            else console.Out.WriteLine($"Created account '{account.Name}' ({account.Id}).");
            return ExitCodes.Ok;
        });
        return command;
    }
}
