using System.CommandLine;
using Atoll.Cli.Hosting;

namespace Atoll.Cli.Commands;

/// <summary><c>atoll d1 …</c>: wrangler d1's commands, same names and flags where they exist, and a shell and fleet migrations beyond them.</summary>
internal static class D1Command
{
    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var timeTravel = new Command("time-travel", "Find a point in a database's history, or restore it")
        {
            TimeTravelInfoCommand.Create(console, globals),
            TimeTravelRestoreCommand.Create(console, globals),
        };
        var migrations = new Command("migrations", "Create, list and apply migrations (wrangler's migrations/ folder and d1_migrations table)")
        {
            MigrationsCreateCommand.Create(console, globals),
            MigrationsListCommand.Create(console, globals),
            MigrationsApplyCommand.Create(console, globals),
        };
        return new Command("d1", "Manage D1 databases")
        {
            D1CreateCommand.Create(console, globals),
            D1ListCommand.Create(console, globals),
            D1InfoCommand.Create(console, globals),
            D1DeleteCommand.Create(console, globals),
            D1ExecuteCommand.Create(console, globals),
            D1ExportCommand.Create(console, globals),
            D1ImportCommand.Create(console, globals),
            timeTravel,
            D1ForkCommand.Create(console, globals),
            D1InsightsCommand.Create(console, globals),
            D1ShellCommand.Create(console, globals),
            migrations,
        };
    }

    /// <summary>The <c>DATABASE</c> argument every database command takes (a name or a uuid).</summary>
    public static Argument<string> DatabaseArgument() => new("database") { Description = "The database's name or uuid" };

    /// <summary><c>--yes</c> / <c>-y</c>: skip the confirmation of a destructive command.</summary>
    public static Option<bool> YesOption() => new("--yes", "-y") { Description = "Do not ask for confirmation" };
}
