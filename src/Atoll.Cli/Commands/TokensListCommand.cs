using System.CommandLine;
using Atoll.Cli.Hosting;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll tokens list</c>: the account's tokens, without secrets.</summary>
internal static class TokensListCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var command = new Command("list", "List the account's API tokens");
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var tokens = await server.ListTokensAsync(cancellationToken);
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartArray();
                    foreach (var token in tokens) TokensCommand.Write(json, token);
                    json.WriteEndArray();
                });
            else console.Ansi.Write(TokensCommand.Table(tokens));
            return ExitCodes.Ok;
        });
        return command;
    }
}
