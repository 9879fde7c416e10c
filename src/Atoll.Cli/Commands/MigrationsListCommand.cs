using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Cli.Migrations;
using Spectre.Console;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 migrations list DB</c>: which migrations of the folder the database has applied, and which not yet.</summary>
internal static class MigrationsListCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var directory = MigrationsCreateCommand.MigrationsDirOption();
        var remote = new Option<bool>("--remote") { Description = "Accepted for wrangler compatibility (Atoll is always remote)" };
        var command = new Command("list", "List applied and unapplied migrations") { database, directory, remote };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            var migrations = new MigrationFolder(context.Value(directory)).Migrations();
            using var server = context.Server();
            var applied = await MigrationTable.AppliedAsync(server, context.Value(database), createTable: true, cancellationToken);
            var pending = migrations.Where(m => !applied.ContainsKey(m.Name)).Select(m => m.Name).ToList();
            if (context.Json)
            {
                context.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteStartArray("applied");
                    foreach (var (name, at) in applied)
                    {
                        json.WriteStartObject();
                        json.WriteString("name", name);
                        json.WriteString("applied_at", at);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                    json.WriteStartArray("pending");
                    foreach (var name in pending) json.WriteStringValue(name);
                    json.WriteEndArray();
                    json.WriteEndObject();
                });
                return ExitCodes.Ok;
            }
            if (pending.Count == 0) console.Out.WriteLine("✅ No migrations to apply!");
            var table = new Table().AddColumns("name", "status");
            foreach (var (name, at) in applied) table.AddRow(Markup.Escape(name), $"applied {Markup.Escape(at)}");
            foreach (var name in pending) table.AddRow(Markup.Escape(name), "pending");
            console.Ansi.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
