using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Cli.Output;

namespace Atoll.Cli.Commands;

/// <summary>
/// <c>atoll d1 execute DB --command SQL | --file F.sql</c>: a command runs as one atomic request and prints every statement's
/// result; a file goes through the import API (as wrangler does), with a progress bar.
/// </summary>
internal static class D1ExecuteCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var sql = new Option<string?>("--command") { Description = "SQL to run (several statements separated by ;)" };
        var file = new Option<FileInfo?>("--file") { Description = "An SQL file to run as one transaction (through the import API)" };
        var remote = new Option<bool>("--remote") { Description = "Accepted for wrangler compatibility (Atoll is always remote)" };
        var yes = D1Command.YesOption();
        var command = new Command("execute", "Run SQL against a database") { database, sql, file, remote, yes };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(sql) is null) == (result.GetValue(file) is null)) result.AddError("Give exactly one of --command or --file.");
        });
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var name = context.Value(database);
            if (context.Value(file) is { } script) return await D1ImportCommand.ImportAsync(context, server, name, script, cancellationToken);
            var results = await server.ExecuteAsync(name, context.Value(sql)!, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(json =>
                {
                    json.WriteStartArray();
                    foreach (var result in results) ResultOutput.WriteJson(json, result);
                    json.WriteEndArray();
                });
                return ExitCodes.Ok;
            }
            foreach (var result in results)
            {
                if (result.Columns.Count > 0) console.Ansi.Write(ResultOutput.Table(result));
                else console.Out.WriteLine(ResultOutput.Summary(result));
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
