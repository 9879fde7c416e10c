using System.CommandLine;
using System.Text.Json;
using Atoll.Cli.Hosting;
using Atoll.Cli.Output;
using Atoll.Client.Admin;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll accounts create | list</c>.</summary>
internal static class AccountsCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals) => new("accounts", "Manage accounts (creating one needs the admin token)")
    {
        AccountsCreateCommand.Create(console, globals),
        AccountsListCommand.Create(console, globals),
    };

    public static void Write(Utf8JsonWriter json, AtollAccount account)
    {
        json.WriteStartObject();
        json.WriteString("id", account.Id);
        json.WriteString("name", account.Name);
        JsonTimestamp.Write(json, "created_on", account.CreatedOn);
        json.WriteEndObject();
    }
}
