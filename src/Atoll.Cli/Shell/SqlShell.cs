using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Atoll.Cli.Hosting;
using Atoll.Cli.Output;
using Atoll.Client;
using Atoll.Client.Admin;

namespace Atoll.Cli.Shell;

/// <summary>
/// An SQL shell on one database, like <c>sqlite3</c>: statements end at <c>;</c> and may span lines, dot-commands for the schema and
/// output, errors in D1's words (the shell carries on). With a terminal it prompts and keeps a history file; otherwise it runs
/// stdin as a script and exits 1 if any statement failed.
/// </summary>
internal sealed class SqlShell(CliContext context, AtollServerApi server, string database, string historyPath)
{
    const int HistoryKept = 1000;
    readonly CliConsole _console = context.Console;
    ResultMode _mode = context.Json ? ResultMode.Json : ResultMode.Table;
    bool _timer;
    int _errors;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var interactive = _console.IsInteractive;
        var history = interactive ? LoadHistory() : [];
        if (interactive) _console.Out.WriteLine($"Connected to '{database}' on {server.Url}. Statements end with ';'. .help for commands, .quit to leave.");
        var buffer = new StatementBuffer();
        while (!cancellationToken.IsCancellationRequested)
        {
            var prompt = buffer.IsEmpty ? $"{database}> " : "   ...> ";
            string? line;
            if (_console.ReadLine is { } edit) line = edit(prompt, history);
            else
            {
                if (interactive)
                {
                    _console.Out.Write(prompt);
                    _console.Out.Flush();
                }
                line = await _console.In.ReadLineAsync(cancellationToken);
            }
            if (line is null) break;
            // History keeps lines as typed, so Up recalls them one at a time.
            if (interactive && line.Trim().Length > 0) Remember(history, line);
            if (buffer.IsEmpty && line.TrimStart().StartsWith('.'))
            {
                if (!await DotCommandAsync(line.Trim(), history, cancellationToken)) break;
                continue;
            }
            foreach (var statement in buffer.Add(line)) await RunStatementAsync(statement, cancellationToken);
        }
        if (!buffer.IsEmpty && !interactive)
        {
            _console.Error.WriteLine("error: incomplete input: the script ends without ';'");
            _errors++;
        }
        if (interactive) SaveHistory(history);
        // As sqlite3: a person saw each error already; a script's caller learns of them from the exit code.
        return interactive || _errors == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    async Task RunStatementAsync(string sql, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var results = await server.ExecuteAsync(database, sql, cancellationToken);
            foreach (var result in results) Show(result);
            if (_timer)
                _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Run Time: {clock.Elapsed.TotalMilliseconds:0.###} ms (server {results.Sum(r => r.Meta.Duration):0.###} ms)"));
        }
        catch (D1Exception ex)
        {
            _errors++;
            _console.Error.WriteLine($"error: {CommandAction.Describe(ex)}");
        }
    }

    void Show(D1Result<JsonElement> result)
    {
        if (result.Columns.Count == 0)
        {
            if (_console.IsInteractive && _mode == ResultMode.Table) _console.Out.WriteLine(ResultOutput.Summary(result));
            return;
        }
        switch (_mode)
        {
            case ResultMode.Json:
                context.WriteJson(json =>
                {
                    json.WriteStartArray();
                    foreach (var row in result.Results) row.WriteTo(json);
                    json.WriteEndArray();
                });
                break;
            case ResultMode.Csv:
                _console.Out.Write(ResultOutput.Csv(result));
                break;
            default:
                _console.Ansi.Write(ResultOutput.Table(result));
                break;
        }
    }

    /// <summary>Runs a dot-command; false to leave the shell.</summary>
    async Task<bool> DotCommandAsync(string line, List<string> history, CancellationToken cancellationToken)
    {
        var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var argument = parts.Length > 1 ? parts[1] : null;
        switch (parts[0])
        {
            case ".quit" or ".exit":
                return false;
            case ".help":
                _console.Out.WriteLine("""
                    .tables            list the tables
                    .schema [TABLE]    show CREATE statements (of one table)
                    .mode table|json|csv   how results are shown
                    .timer on|off      show each statement's time
                    .bookmark          the database's current bookmark (for time travel)
                    .history           the statements entered before
                    .quit              leave (also Ctrl+D)
                    """);
                return true;
            case ".tables":
                await ListAsync("""SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name""",
                    cancellationToken);
                return true;
            case ".schema":
                await ListAsync("SELECT sql || ';' AS sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'"
                    + (argument is null ? "" : $" AND tbl_name = '{argument.Replace("'", "''", StringComparison.Ordinal)}'") + " ORDER BY tbl_name, type DESC, name",
                    cancellationToken);
                return true;
            case ".mode":
                if (Enum.TryParse<ResultMode>(argument, ignoreCase: true, out var mode)) _mode = mode;
                else Usage(".mode table|json|csv");
                return true;
            case ".timer":
                if (argument is "on" or "off") _timer = argument == "on";
                else Usage(".timer on|off");
                return true;
            case ".bookmark":
                try
                {
                    _console.Out.WriteLine(await server.GetBookmarkAsync(database, null, cancellationToken));
                }
                catch (D1Exception ex)
                {
                    _errors++;
                    _console.Error.WriteLine($"error: {CommandAction.Describe(ex)}");
                }
                return true;
            case ".history":
                foreach (var entry in history) _console.Out.WriteLine(entry);
                return true;
            default:
                _errors++;
                _console.Error.WriteLine($"error: unknown command {parts[0]}: .help lists the commands");
                return true;
        }
    }

    void Usage(string usage)
    {
        _errors++;
        _console.Error.WriteLine($"error: usage: {usage}");
    }

    /// <summary>Prints the first column of each row, one per line (for .tables and .schema).</summary>
    async Task ListAsync(string sql, CancellationToken cancellationToken)
    {
        try
        {
            var result = (await server.ExecuteAsync(database, sql, cancellationToken))[^1];
            foreach (var row in result.Results)
                _console.Out.WriteLine(row.GetProperty(result.Columns[0]).GetString());
        }
        catch (D1Exception ex)
        {
            _errors++;
            _console.Error.WriteLine($"error: {CommandAction.Describe(ex)}");
        }
    }

    static void Remember(List<string> history, string entry)
    {
        if (history.Count > 0 && history[^1] == entry) return;
        history.Add(entry);
        if (history.Count > HistoryKept) history.RemoveRange(0, history.Count - HistoryKept);
    }

    List<string> LoadHistory()
    {
        try
        {
            return File.Exists(historyPath) ? [.. File.ReadAllLines(historyPath)] : [];
        }
        catch (IOException)
        {
            return [];
        }
    }

    void SaveHistory(List<string> history)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(historyPath)!);
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var writer = new StreamWriter(new FileStream(historyPath, options));
            foreach (var entry in history) writer.WriteLine(entry);
        }
        catch (IOException ex)
        {
            _console.Error.WriteLine($"warning: history not saved: {ex.Message}");
        }
    }
}
