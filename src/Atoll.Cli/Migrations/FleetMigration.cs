using System.Collections.Concurrent;
using System.Diagnostics;
using Atoll.Cli.Hosting;
using Atoll.Client;
using Atoll.Client.Admin;

namespace Atoll.Cli.Migrations;

/// <summary>
/// Applies a migrations folder to many databases, at most <c>concurrency</c> at a time. Each database is migrated in order and
/// stops at its first failing migration; a failing database never stops the others. An interrupted run leaves every database
/// consistent (each migration is atomic with its d1_migrations row), so running again resumes where each one stopped.
/// </summary>
internal sealed class FleetMigration(AtollServerApi server, IReadOnlyList<Migration> migrations, int concurrency, bool dryRun)
{
    public async Task<IReadOnlyList<DatabaseOutcome>> RunAsync(IReadOnlyList<string> databases, Action<FleetProgress>? progress,
        CancellationToken cancellationToken)
    {
        // Read each file once, not once per database.
        var sql = migrations.ToDictionary(m => m.Name, m => m.ReadSql(), StringComparer.Ordinal);
        var outcomes = new ConcurrentDictionary<string, DatabaseOutcome>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        int done = 0, failed = 0;
        try
        {
            await Parallel.ForEachAsync(databases, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (database, token) =>
            {
                var outcome = await MigrateAsync(database, sql, token);
                outcomes[database] = outcome;
                if (outcome.Failed) Interlocked.Increment(ref failed);
                progress?.Invoke(new FleetProgress(databases.Count, Interlocked.Increment(ref done), Volatile.Read(ref failed), clock.Elapsed));
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Interrupted: report what finished; the rest resume on the next run.
        }
        return [.. databases.Where(outcomes.ContainsKey).Select(d => outcomes[d])];
    }

    async Task<DatabaseOutcome> MigrateAsync(string database, Dictionary<string, string> sql, CancellationToken cancellationToken)
    {
        var applied = new List<string>();
        IReadOnlyList<string> pending = [];
        string? current = null;
        try
        {
            var done = await MigrationTable.AppliedAsync(server, database, createTable: !dryRun, cancellationToken);
            pending = [.. migrations.Where(m => !done.ContainsKey(m.Name)).Select(m => m.Name)];
            if (dryRun) return new DatabaseOutcome(database, [], pending, null, null);
            foreach (var migration in migrations.Where(m => !done.ContainsKey(m.Name)))
            {
                current = migration.Name;
                await MigrationTable.ApplyAsync(server, database, migration, sql[migration.Name], cancellationToken);
                applied.Add(migration.Name);
            }
            return new DatabaseOutcome(database, applied, [], null, null);
        }
        catch (D1Exception ex)
        {
            return new DatabaseOutcome(database, applied, [.. pending.Except(applied)], current, CommandAction.Describe(ex));
        }
    }
}
