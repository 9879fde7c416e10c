using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Client.Admin;
using Spectre.Console;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 import DB FILE.sql</c>: runs an SQL file as one transaction through D1's import API, with an upload progress bar.</summary>
internal static class D1ImportCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var file = new Argument<FileInfo>("file") { Description = "The SQL file (e.g. from atoll d1 export)" };
        var command = new Command("import", "Import an SQL file into a database (one transaction: all or nothing)") { database, file };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            return await ImportAsync(context, server, context.Value(database), context.Value(file), cancellationToken);
        });
        return command;
    }

    /// <summary>Uploads and runs <paramref name="file"/>, showing progress on stderr; prints the outcome.</summary>
    public static async Task<int> ImportAsync(CliContext context, AtollServerApi server, string database, FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists) throw new UsageException($"No such file: {file.FullName}");
        if (IsSqliteFile(file)) throw new UsageException($"{file.Name} is an SQLite database file, not SQL text: export it as SQL first (sqlite3 {file.Name} .dump).");
        ImportResult result = null!;
        if (context.Console.IsInteractive && !context.Json)
        {
            await context.Console.AnsiError.Progress().AutoClear(true).StartAsync(async progress =>
            {
                var upload = progress.AddTask($"Uploading {Markup.Escape(file.Name)}", maxValue: Math.Max(1, file.Length));
                var run = progress.AddTask("Running", autoStart: false).IsIndeterminate();
                result = await server.ImportAsync(database, file, new Progress<long>(sent =>
                {
                    upload.Value = sent;
                    if (sent >= file.Length && !run.IsStarted) run.StartTask();
                }), cancellationToken);
                upload.Value = upload.MaxValue;
                run.Value = run.MaxValue;
                run.StopTask();
            });
        }
        else
        {
            result = await server.ImportAsync(database, file, null, cancellationToken);
        }
        if (context.Json)
            context.WriteJson(json =>
            {
                json.WriteStartObject();
                json.WriteNumber("num_queries", result.NumQueries);
                json.WriteString("final_bookmark", result.FinalBookmark);
                json.WriteNumber("rows_read", result.RowsRead);
                json.WriteNumber("rows_written", result.RowsWritten);
                json.WriteNumber("duration", result.DurationMs);
                json.WriteEndObject();
            });
        else
            context.Console.Out.WriteLine($"Executed {result.NumQueries} statements from {file.Name} ({result.RowsWritten} rows written) in {result.DurationMs:0.##} ms; bookmark {result.FinalBookmark}.");
        return ExitCodes.Ok;
    }

    static bool IsSqliteFile(FileInfo file)
    {
        Span<byte> header = stackalloc byte[16];
        using var stream = file.OpenRead();
        return stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == 16 && header.SequenceEqual("SQLite format 3\0"u8);
    }
}
