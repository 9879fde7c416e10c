using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Cli.Profiles;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll login --url U --token T [--account A]</c>: checks the token with the server, then saves the profile owner-only.</summary>
internal static class LoginCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var url = new Option<string>("--url") { Description = "The server's URL", DefaultValueFactory = _ => "http://127.0.0.1:8787" };
        var token = new Option<string?>("--token") { Description = "An API token (default: ATOLL_TOKEN)" };
        var account = new Option<string?>("--account") { Description = "The account to work in (default: the token's only account)" };
        var command = new Command("login", "Check a token against a server and save it as a profile (owner-only file)") { url, token, account };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            var secret = context.Value(token) ?? console.Environment("ATOLL_TOKEN")
                ?? throw new UsageException("--token is required (or set ATOLL_TOKEN).");
            var name = context.ProfileName ?? ProfileStore.DefaultName;
            var connection = new Connection(name, context.Value(url), secret, context.Value(account));
            using var server = context.Server(connection);
            var tokenId = await server.VerifyTokenAsync(cancellationToken);
            var accounts = await server.ListAccountsAsync(cancellationToken);
            var accountId = connection.Account;
            if (accountId is not null && accounts.All(a => a.Id != accountId))
                throw new CommandFailure($"The token cannot use account {accountId} on {connection.Url}.");
            if (accountId is null && accounts.Count == 1) accountId = accounts[0].Id;

            var store = context.Profiles;
            var file = store.Load();
            file.Profiles[name] = new Profile(connection.Url, secret, accountId);
            if (context.ProfileName is null || file.Profiles.Count == 1) file.Default = name;
            store.Save(file);
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("profile", name);
                    json.WriteString("url", connection.Url);
                    json.WriteString("token_id", tokenId);
                    if (accountId is null) json.WriteNull("account_id");
                    else json.WriteString("account_id", accountId);
                    json.WriteString("path", store.FilePath);
                    json.WriteEndObject();
                });
            else
                console.Out.WriteLine($"Logged in to {connection.Url} with token {tokenId}"
                    + (accountId is null ? $" ({accounts.Count} accounts: pass --account to pick one)" : $", account {accountId}")
                    + $". Profile '{name}' saved to {store.FilePath}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
