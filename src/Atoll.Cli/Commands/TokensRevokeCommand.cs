using System.CommandLine;
using Atoll.Cli.Hosting;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll tokens revoke ID [-y]</c>: the token stops working at once.</summary>
internal static class TokensRevokeCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The token's id (from atoll tokens list)" };
        var yes = D1Command.YesOption();
        var command = new Command("revoke", "Revoke an API token") { id, yes };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            if (!context.Confirm($"Revoke token {context.Value(id)}? Everything using it stops working.", context.Value(yes)))
            {
                context.Note("Not revoked.");
                return ExitCodes.Failed;
            }
            using var server = context.Server();
            if (!await server.RevokeTokenAsync(context.Value(id), cancellationToken))
                throw new CommandFailure($"No token {context.Value(id)} in this account.");
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("revoked", context.Value(id));
                    json.WriteEndObject();
                });
            else console.Out.WriteLine($"Revoked token {context.Value(id)}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
