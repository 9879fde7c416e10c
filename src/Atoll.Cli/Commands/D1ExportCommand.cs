using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Client.Admin;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 export DB --output F.sql [--table T]… [--no-schema | --no-data]</c>, as wrangler's.</summary>
internal static class D1ExportCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var output = new Option<FileInfo>("--output") { Description = "Where to write the SQL", Required = true };
        var tables = new Option<string[]>("--table") { Description = "Only this table (repeat for more)", Arity = ArgumentArity.ZeroOrMore };
        var noSchema = new Option<bool>("--no-schema") { Description = "Only the data (INSERTs)" };
        var noData = new Option<bool>("--no-data") { Description = "Only the schema (CREATEs)" };
        var remote = new Option<bool>("--remote") { Description = "Accepted for wrangler compatibility (Atoll is always remote)" };
        var command = new Command("export", "Export a database as SQL") { database, output, tables, noSchema, noData, remote };
        command.Validators.Add(result =>
        {
            if (result.GetValue(noSchema) && result.GetValue(noData)) result.AddError("--no-schema and --no-data cannot both be given.");
        });
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var file = context.Value(output);
            var partial = file.FullName + ".partial";
            string serverName;
            try
            {
                await using (var stream = File.Create(partial))
                    serverName = await server.ExportAsync(context.Value(database), stream,
                        new ExportOptions { Tables = context.Value(tables) ?? [], NoSchema = context.Value(noSchema), NoData = context.Value(noData) },
                        cancellationToken);
                File.Move(partial, file.FullName, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }
            var size = new FileInfo(file.FullName).Length;
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("output", file.FullName);
                    json.WriteString("filename", serverName);
                    json.WriteNumber("bytes", size);
                    json.WriteEndObject();
                });
            else console.Out.WriteLine($"Exported to {file.FullName} ({size} bytes).");
            return ExitCodes.Ok;
        });
        return command;
    }
}
