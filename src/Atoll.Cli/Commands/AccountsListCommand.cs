using System.CommandLine;
using System.Globalization;
using Atoll.Cli.Hosting;
using Spectre.Console;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll accounts list</c>: the accounts the token can use.</summary>
internal static class AccountsListCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var command = new Command("list", "List the accounts the token can use");
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var accounts = await server.ListAccountsAsync(cancellationToken);
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartArray();
                    foreach (var account in accounts) AccountsCommand.Write(json, account);
                    json.WriteEndArray();
                });
            else
            {
                var table = new Table().AddColumns("id", "name", "created_on");
                foreach (var a in accounts)
                    table.AddRow(Markup.Escape(a.Id), Markup.Escape(a.Name), a.CreatedOn.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                console.Ansi.Write(table);
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
