using System.CommandLine;
using System.Globalization;
using Atoll.Cli.Hosting;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 time-travel info DB [--timestamp T]</c>: the bookmark of the database's state now or at a time.</summary>
internal static class TimeTravelInfoCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var timestamp = TimestampOption("The time to find (RFC 3339 or unix seconds; default now)");
        var command = new Command("info", "Show the bookmark of a database's state now or at a time") { database, timestamp };
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var at = ParseTimestamp(context.Value(timestamp));
            var bookmark = await server.GetBookmarkAsync(context.Value(database), at, cancellationToken);
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("bookmark", bookmark);
                    json.WriteEndObject();
                });
            else console.Out.WriteLine($"The bookmark {(at is null ? "now" : $"at {at:O}")} is {bookmark}");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Option<string?> TimestampOption(string description) => new("--timestamp") { Description = description };

    /// <summary>RFC 3339 or unix seconds (milliseconds too), as wrangler takes them.</summary>
    /// <exception cref="UsageException">Neither.</exception>
    public static DateTimeOffset? ParseTimestamp(string? text)
    {
        if (text is null) return null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
            return unix > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(unix) : DateTimeOffset.FromUnixTimeSeconds(unix);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
            : throw new UsageException($"--timestamp '{text}' is not a time: use RFC 3339 (2026-11-30T12:00:00Z) or unix seconds.");
    }
}
