using System.CommandLine;
using Atoll.Cli.Hosting;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 time-travel restore DB --bookmark B | --timestamp T [-y]</c>: restores (undoably) after asking.</summary>
internal static class TimeTravelRestoreCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var bookmark = new Option<string?>("--bookmark") { Description = "The bookmark to restore to" };
        var timestamp = TimeTravelInfoCommand.TimestampOption("The time to restore to (RFC 3339 or unix seconds)");
        var yes = D1Command.YesOption();
        var command = new Command("restore", "Restore a database to a bookmark or a time (undo by restoring the previous bookmark)")
        {
            database, bookmark, timestamp, yes,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(bookmark) is null) == (result.GetValue(timestamp) is null)) result.AddError("Give exactly one of --bookmark or --timestamp.");
        });
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var name = context.Value(database);
            var target = context.Value(bookmark)
                ?? await server.GetBookmarkAsync(name, TimeTravelInfoCommand.ParseTimestamp(context.Value(timestamp)), cancellationToken);
            if (!context.Confirm($"Restore database '{name}' to bookmark {target}? Later changes are replaced (the restore can be undone).", context.Value(yes)))
            {
                context.Note("Not restored.");
                return ExitCodes.Failed;
            }
            var result = await server.RestoreAsync(name, target, cancellationToken);
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("bookmark", result.Bookmark);
                    json.WriteString("previous_bookmark", result.PreviousBookmark);
                    json.WriteString("message", result.Message);
                    json.WriteEndObject();
                });
            else console.Out.WriteLine($"{result.Message}: now at {result.Bookmark}. To undo: atoll d1 time-travel restore {name} --bookmark {result.PreviousBookmark}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
