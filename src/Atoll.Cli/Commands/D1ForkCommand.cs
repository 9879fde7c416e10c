using System.CommandLine;
using Atoll.Cli.Hosting;
using Atoll.Cli.Output;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 fork DB NEW_NAME [--bookmark B | --timestamp T]</c>: a new database from any point of another's history.</summary>
internal static class D1ForkCommand
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = D1Command.DatabaseArgument();
        var name = new Argument<string>("name") { Description = "The new database's name" };
        var bookmark = new Option<string?>("--bookmark") { Description = "Fork the state at this bookmark" };
        var timestamp = TimeTravelInfoCommand.TimestampOption("Fork the state at this time (default now)");
        var command = new Command("fork", "Create a database from another's state now, at a bookmark or at a time") { database, name, bookmark, timestamp };
        command.Validators.Add(result =>
        {
            if (result.GetValue(bookmark) is not null && result.GetValue(timestamp) is not null) result.AddError("Give --bookmark or --timestamp, not both.");
        });
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            using var server = context.Server();
            var fork = await server.ForkAsync(context.Value(database), context.Value(name), context.Value(bookmark),
                TimeTravelInfoCommand.ParseTimestamp(context.Value(timestamp)), cancellationToken);
            if (context.Json)
                context.WriteJson(json =>
                {
                    json.WriteStartObject();
                    json.WritePropertyName("database");
                    DatabaseOutput.Write(json, fork.Database);
                    json.WriteStartObject("forked_from");
                    json.WriteString("uuid", fork.SourceUuid);
                    json.WriteString("bookmark", fork.Bookmark);
                    json.WriteEndObject();
                    json.WriteEndObject();
                });
            else console.Out.WriteLine($"Forked '{context.Value(database)}' at {fork.Bookmark} into '{fork.Database.Name}' ({fork.Database.Uuid}).");
            return ExitCodes.Ok;
        });
        return command;
    }
}
