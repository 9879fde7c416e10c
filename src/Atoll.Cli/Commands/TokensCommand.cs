using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Atoll.Cli.Hosting;
using Atoll.Cli.Output;
using Atoll.Client.Admin;
using Spectre.Console;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll tokens create | list | revoke</c>: the account's API tokens.</summary>
internal static class TokensCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals) => new("tokens", "Manage the account's API tokens")
    {
        TokensCreateCommand.Create(console, globals),
        TokensListCommand.Create(console, globals),
        TokensRevokeCommand.Create(console, globals),
    };

    public static void Write(Utf8JsonWriter json, AtollToken token)
    {
        json.WriteStartObject();
        json.WriteString("id", token.Id);
        json.WriteString("name", token.Name);
        json.WriteString("permission", token.Permission);
        if (token.Databases is null) json.WriteNull("databases");
        else
        {
            json.WriteStartArray("databases");
            foreach (var database in token.Databases) json.WriteStringValue(database);
            json.WriteEndArray();
        }
        JsonTimestamp.Write(json, "issued_on", token.IssuedOn);
        if (token.Value is not null) json.WriteString("value", token.Value);
        json.WriteEndObject();
    }

    public static Table Table(IEnumerable<AtollToken> tokens)
    {
        var table = new Table().AddColumns("id", "name", "permission", "databases", "issued_on");
        foreach (var t in tokens)
            table.AddRow(Markup.Escape(t.Id), Markup.Escape(t.Name), t.Permission, Markup.Escape(t.Databases is null ? "all" : string.Join(", ", t.Databases)),
                t.IssuedOn.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        return table;
    }
}
