using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Atoll.Cli.Hosting;
using Spectre.Console;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 insights DB</c> with wrangler's flags: the slowest or busiest query shapes over a period.</summary>
internal static partial class D1InsightsCommand
{
    [GeneratedRegex(@"^(\d+)([dhm])$")]
    private static partial Regex Period();

    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var period = new Option<string>("--time-period") { Description = "How far back: 1d, 7d, 31d, 12h…", DefaultValueFactory = _ => "1d" };
        var sortType = new Option<string>("--sort-type") { Description = "sum or avg", DefaultValueFactory = _ => "sum" };
        sortType.AcceptOnlyFromAmong("sum", "avg");
        var sortBy = new Option<string>("--sort-by") { Description = "time, reads, writes or count", DefaultValueFactory = _ => "time" };
        sortBy.AcceptOnlyFromAmong("time", "reads", "writes", "count");
        var direction = new Option<string>("--sort-direction") { Description = "ASC or DESC", DefaultValueFactory = _ => "DESC" };
        direction.AcceptOnlyFromAmong("ASC", "DESC");
        var limit = new Option<int>("--limit") { Description = "How many queries", DefaultValueFactory = _ => 5 };
        var command = new Command("insights", "Show a database's most expensive queries") { database, period, sortType, sortBy, direction, limit };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            var match = Period().Match(context.Value(period));
            if (!match.Success) throw new UsageException($"--time-period '{context.Value(period)}' must be a number and d, h or m (e.g. 1d).");
            var amount = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var span = match.Groups[2].Value switch { "d" => TimeSpan.FromDays(amount), "h" => TimeSpan.FromHours(amount), _ => TimeSpan.FromMinutes(amount) };
            var field = context.Value(sortBy) switch { "reads" => "rowsRead", "writes" => "rowsWritten", _ => "queryDurationMs" };
            var order = context.Value(sortBy) == "count" ? $"count_{context.Value(direction)}" : $"{context.Value(sortType)}_{field}_{context.Value(direction)}";
            using var server = context.Server();
            var rows = await server.InsightsAsync(context.Value(database), span, order, context.Value(limit), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(json =>
                {
                    json.WriteStartArray();
                    foreach (var row in rows)
                    {
                        json.WriteStartObject();
                        json.WriteString("query", row.Query);
                        json.WriteNumber("avgDurationMs", row.AverageDurationMs);
                        json.WriteNumber("totalDurationMs", row.TotalDurationMs);
                        json.WriteNumber("numberOfTimesRun", row.Count);
                        json.WriteNumber("queryEfficiency", row.RowsRead == 0 ? 0 : Math.Round((double)row.RowsReturned / row.RowsRead, 4));
                        json.WriteNumber("totalRowsRead", row.RowsRead);
                        json.WriteNumber("totalRowsWritten", row.RowsWritten);
                        json.WriteNumber("totalRowsReturned", row.RowsReturned);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                });
                return ExitCodes.Ok;
            }
            var table = new Table().AddColumns("query", "runs", "total ms", "avg ms", "rows read", "rows written");
            foreach (var row in rows)
                table.AddRow(Markup.Escape(row.Query), row.Count.ToString(CultureInfo.InvariantCulture),
                    row.TotalDurationMs.ToString("0.###", CultureInfo.InvariantCulture), row.AverageDurationMs.ToString("0.###", CultureInfo.InvariantCulture),
                    row.RowsRead.ToString(CultureInfo.InvariantCulture), row.RowsWritten.ToString(CultureInfo.InvariantCulture));
            console.Ansi.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
