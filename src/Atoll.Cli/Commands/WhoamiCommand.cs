using System.CommandLine;
using Atoll.Cli.Hosting;
using Spectre.Console;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll whoami</c>: which server, token and accounts the current profile (or environment) leads to.</summary>
internal static class WhoamiCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var command = new Command("whoami", "Show the server, token and accounts in use");
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            var connection = context.Connection();
            using var server = context.Server(connection);
            var tokenId = await server.VerifyTokenAsync(cancellationToken);
            var accounts = await server.ListAccountsAsync(cancellationToken);
            if (context.Json)
            {
                context.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("profile", connection.ProfileName);
                    json.WriteString("url", connection.Url);
                    json.WriteString("token_id", tokenId);
                    if (connection.Account is null) json.WriteNull("account_id");
                    else json.WriteString("account_id", connection.Account);
                    json.WriteStartArray("accounts");
                    foreach (var account in accounts)
                    {
                        json.WriteStartObject();
                        json.WriteString("id", account.Id);
                        json.WriteString("name", account.Name);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                    json.WriteEndObject();
                });
                return ExitCodes.Ok;
            }
            console.Out.WriteLine($"Profile '{connection.ProfileName}': {connection.Url}, token {tokenId}" + (connection.Account is null ? "" : $", account {connection.Account}"));
            var table = new Table().AddColumns("account id", "name");
            foreach (var account in accounts) table.AddRow(Markup.Escape(account.Id), Markup.Escape(account.Name));
            console.Ansi.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
