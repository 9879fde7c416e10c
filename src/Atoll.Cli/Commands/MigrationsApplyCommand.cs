using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Atoll.Cli.Hosting;
using Atoll.Cli.Migrations;
using Spectre.Console;

namespace Atoll.Cli.Commands;

/// <summary>
/// <c>atoll d1 migrations apply DB | --all | --match 'tenant-*'</c>: wrangler's apply for one database, and beyond it the same
/// across a fleet with <c>--concurrency</c>, live progress, <c>--dry-run</c>, and a report naming every database that failed.
/// </summary>
internal static class MigrationsApplyCommand
{
    static readonly TimeSpan ProgressLineEvery = TimeSpan.FromSeconds(5);

    public static Command Create(CliConsole console, GlobalOptions globals)
    {
        var database = new Argument<string?>("database") { Description = "The database's name or uuid (or use --all / --match)", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Apply to every database of the account" };
        var match = new Option<string?>("--match") { Description = "Apply to every database whose name matches this glob (* and ?), e.g. 'tenant-*'" };
        var concurrency = new Option<int>("--concurrency") { Description = "Databases migrated at once", DefaultValueFactory = _ => 8 };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only show what would be applied" };
        var directory = MigrationsCreateCommand.MigrationsDirOption();
        var remote = new Option<bool>("--remote") { Description = "Accepted for wrangler compatibility (Atoll is always remote)" };
        var command = new Command("apply", "Apply unapplied migrations to a database, or to many") { database, all, match, concurrency, dryRun, directory, remote };
        command.Validators.Add(result =>
        {
            var targets = (result.GetValue(database) is null ? 0 : 1) + (result.GetValue(all) ? 1 : 0) + (result.GetValue(match) is null ? 0 : 1);
            if (targets != 1) result.AddError("Give exactly one of a database, --all or --match PATTERN.");
        });
        CommandAction.Set(command, console, globals, async (context, cancellationToken) =>
        {
            if (context.Value(concurrency) is < 1 or > 256) throw new UsageException("--concurrency must be from 1 to 256.");
            var folder = new MigrationFolder(context.Value(directory));
            var migrations = folder.Migrations();
            if (migrations.Count == 0) throw new UsageException($"No migrations in {folder.Directory} (create one with atoll d1 migrations create DB MESSAGE).");
            using var server = context.Server();
            IReadOnlyList<string> targets;
            var fleet = context.Value(database) is null;
            if (fleet)
            {
                var pattern = context.Value(match) is { } glob ? Glob(glob) : null;
                var databases = await server.Databases.ListDatabasesAsync(cancellationToken);
                targets = [.. databases.Select(d => d.Name).Where(n => pattern is null || pattern.IsMatch(n))];
                context.Note($"{targets.Count} databases, {migrations.Count} migrations in {folder.Directory}{(context.Value(dryRun) ? " (dry run)" : "")}.");
            }
            else
            {
                var info = await server.Databases.GetDatabaseAsync(context.Value(database)!, cancellationToken) ?? throw D1InfoCommand.NotFound(context.Value(database)!);
                targets = [info.Name];
            }

            var run = new FleetMigration(server, migrations, context.Value(concurrency), context.Value(dryRun));
            var started = DateTimeOffset.UtcNow;
            IReadOnlyList<DatabaseOutcome> outcomes;
            if (fleet && console.IsInteractive)
            {
                outcomes = null!;
                await console.AnsiError.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask("migrating", maxValue: Math.Max(1, targets.Count));
                        outcomes = await run.RunAsync(targets, p =>
                        {
                            task.Value = p.Done;
                            task.Description = Describe(p);
                        }, cancellationToken);
                    });
            }
            else if (fleet)
            {
                var lastLine = DateTimeOffset.UtcNow;
                var gate = new object();
                outcomes = await run.RunAsync(targets, p =>
                {
                    lock (gate)
                    {
                        if (DateTimeOffset.UtcNow - lastLine < ProgressLineEvery && p.Remaining > 0) return;
                        lastLine = DateTimeOffset.UtcNow;
                        console.Error.WriteLine(Describe(p));
                    }
                }, cancellationToken);
            }
            else
            {
                outcomes = await run.RunAsync(targets, null, cancellationToken);
            }
            var elapsed = DateTimeOffset.UtcNow - started;
            var interrupted = cancellationToken.IsCancellationRequested;
            Report(context, outcomes, targets.Count, elapsed, context.Value(dryRun), interrupted);
            if (interrupted) return 130;
            return outcomes.Any(o => o.Failed) ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    static string Describe(FleetProgress p)
        => string.Create(CultureInfo.InvariantCulture, $"done {p.Done}, failed {p.Failed}, remaining {p.Remaining}, {p.Rate:0.#} db/s");

    static void Report(CliContext context, IReadOnlyList<DatabaseOutcome> outcomes, int total, TimeSpan elapsed, bool dryRun, bool interrupted)
    {
        var failed = outcomes.Where(o => o.Failed).ToList();
        var migrated = outcomes.Count(o => !o.Failed && (dryRun ? o.Pending.Count : o.Applied.Count) > 0);
        var upToDate = outcomes.Count(o => !o.Failed && (dryRun ? o.Pending.Count : o.Applied.Count) == 0);
        var rate = elapsed.TotalSeconds > 0 ? outcomes.Count / elapsed.TotalSeconds : 0;
        if (context.Json)
        {
            context.WriteJson(json =>
            {
                json.WriteStartObject();
                json.WriteNumber("databases", total);
                json.WriteBoolean("dry_run", dryRun);
                json.WriteBoolean("interrupted", interrupted);
                json.WriteNumber(dryRun ? "to_migrate" : "migrated", migrated);
                json.WriteNumber("up_to_date", upToDate);
                json.WriteNumber("failed", failed.Count);
                json.WriteNumber("not_started", total - outcomes.Count);
                json.WriteNumber("seconds", Math.Round(elapsed.TotalSeconds, 3));
                json.WriteNumber("databases_per_second", Math.Round(rate, 1));
                json.WriteStartArray("results");
                foreach (var o in outcomes)
                {
                    json.WriteStartObject();
                    json.WriteString("database", o.Database);
                    json.WriteString("status", o.Failed ? "failed" : (dryRun ? o.Pending.Count : o.Applied.Count) > 0 ? (dryRun ? "pending" : "migrated") : "up_to_date");
                    json.WriteStartArray("applied");
                    foreach (var name in o.Applied) json.WriteStringValue(name);
                    json.WriteEndArray();
                    json.WriteStartArray("pending");
                    foreach (var name in o.Pending) json.WriteStringValue(name);
                    json.WriteEndArray();
                    if (o.Failed)
                    {
                        if (o.FailedMigration is null) json.WriteNull("migration");
                        else json.WriteString("migration", o.FailedMigration);
                        json.WriteString("error", o.Error);
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            });
            return;
        }
        var console = context.Console;
        if (outcomes.Count == 1 && total == 1)
        {
            var o = outcomes[0];
            if (dryRun) console.Out.WriteLine(o.Pending.Count == 0 ? "✅ No migrations to apply!" : $"Would apply: {string.Join(", ", o.Pending)}");
            else if (!o.Failed && o.Applied.Count == 0) console.Out.WriteLine("✅ No migrations to apply!");
            foreach (var name in o.Applied) console.Out.WriteLine($"✅ {name}");
            if (o.Failed) console.Out.WriteLine($"❌ {o.FailedMigration}: {o.Error}");
            return;
        }
        if (failed.Count > 0)
        {
            var table = new Table().AddColumns("database", "migration", "error");
            foreach (var o in failed) table.AddRow(Markup.Escape(o.Database), Markup.Escape(o.FailedMigration ?? ""), Markup.Escape(o.Error ?? ""));
            console.Ansi.Write(table);
        }
        var notStarted = interrupted ? $", {total - outcomes.Count} not started (interrupted: run again to resume)" : "";
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{total} databases: {migrated} {(dryRun ? "to migrate" : "migrated")}, {upToDate} up to date, {failed.Count} failed{notStarted} in {elapsed.TotalSeconds:0.0} s ({rate:0.#} databases/s)."));
    }

    /// <summary>A shell-style glob over the whole name: <c>*</c> any run, <c>?</c> one character.</summary>
    public static Regex Glob(string pattern)
        => new("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant);
}
