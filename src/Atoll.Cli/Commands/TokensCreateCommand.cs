using System.CommandLine;
using Atoll.Cli.Hosting;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll tokens create --name N [--permission read|edit] [--database DB]…</c>: prints the secret once.</summary>
internal static class TokensCreateCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var name = new Option<string>("--name") { Description = "A name for the token", Required = true };
        var permission = new Option<string>("--permission") { Description = "read (read-only SQL) or edit", DefaultValueFactory = _ => "edit" };
        permission.AcceptOnlyFromAmong("read", "edit");
        var databases = new Option<string[]>("--database") { Description = "Limit the token to this database (repeat for more; default all)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("create", "Create an API token (the secret is shown once)") { name, permission, databases };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var limited = context.Value(databases) is { Length: > 0 } list ? list : null;
            var token = await server.CreateTokenAsync(context.Value(name), context.Value(permission), limited, cancellationToken);
            if (context.Json) context.WriteJson(json => TokensCommand.Write(json, token));
            else
            {
                console.Out.WriteLine($"Created token '{token.Name}' ({token.Id}, {token.Permission}). Its secret, shown only now:");
                console.Out.WriteLine(token.Value);
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
