using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Cli.Migrations;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 migrations create DB MESSAGE</c>: writes the next numbered file, as wrangler does.</summary>
internal static class MigrationsCreateCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var message = new Argument<string>("message") { Description = "What the migration does (spaces become _)" };
        var directory = MigrationsDirOption();
        var command = new Command("create", "Create a new migration file") { database, message, directory };
        CommandAction.Set(command, console, globals, (context, _) =>
        {
            var path = new MigrationFolder(context.Value(directory)).Create(context.Value(message), DateTimeOffset.UtcNow);
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("path", path);
                    json.WriteString("name", Path.GetFileName(path));
                    json.WriteEndObject();
                });
            else console.Out.WriteLine($"Created {path}");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary><c>--migrations-dir</c>, wrangler's <c>migrations_dir</c> (default <c>./migrations</c>).</summary>
    public static Option<string> MigrationsDirOption()
        => new("--migrations-dir") { Description = "The migrations folder", DefaultValueFactory = _ => "migrations" };
}
