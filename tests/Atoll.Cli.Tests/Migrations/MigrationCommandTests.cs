using System.Text.Json;

namespace Atoll.Cli.Tests.Migrations;

public sealed class MigrationCommandTests(CliServer server) : IDisposable
{
    readonly Cli _cli = new(server);

    string Dir => Path.Combine(_cli.WorkDirectory, "migrations");

    [Fact]
    public async Task Create_numbers_files_as_wrangler_does()
    {
        var first = await _cli.RunAsync("d1", "migrations", "create", "db", "create users", "--migrations-dir", Dir, "--json");
        var second = await _cli.RunAsync("d1", "migrations", "create", "db", "add index", "--migrations-dir", Dir, "--json");

        Assert.Equal("0001_create_users.sql", first.Json().GetProperty("name").GetString());
        Assert.Equal("0002_add_index.sql", second.Json().GetProperty("name").GetString());
        Assert.StartsWith("-- Migration number: 0002 \t ", await File.ReadAllTextAsync(Path.Combine(Dir, "0002_add_index.sql"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Apply_records_each_migration_in_d1_migrations_and_list_shows_what_is_left()
    {
        var name = Cli.Name("mig");
        await _cli.RunAsync("d1", "create", name);
        Directory.CreateDirectory(Dir);
        await File.WriteAllTextAsync(Path.Combine(Dir, "0001_users.sql"), "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Dir, "0010_posts.sql"), "CREATE TABLE posts(id INTEGER PRIMARY KEY);", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Dir, "0002_user's email.sql"), "ALTER TABLE users ADD COLUMN email TEXT;", TestContext.Current.CancellationToken);

        var before = await _cli.RunAsync("d1", "migrations", "list", name, "--migrations-dir", Dir, "--json");
        Assert.Equal<string>(["0001_users.sql", "0002_user's email.sql", "0010_posts.sql"],
            before.Json().GetProperty("pending").EnumerateArray().Select(e => e.GetString()!).ToArray());

        var apply = await _cli.RunAsync("d1", "migrations", "apply", name, "--migrations-dir", Dir, "--json");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(3, apply.Json().GetProperty("results")[0].GetProperty("applied").GetArrayLength());

        var rows = await _cli.RunAsync("d1", "execute", name, "--command", "SELECT name FROM d1_migrations ORDER BY id", "--json");
        Assert.Equal<string>(["0001_users.sql", "0002_user's email.sql", "0010_posts.sql"],
            rows.Json()[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToArray());

        var after = await _cli.RunAsync("d1", "migrations", "list", name, "--migrations-dir", Dir, "--json");
        Assert.Equal(0, after.Json().GetProperty("pending").GetArrayLength());
        var again = await _cli.RunAsync("d1", "migrations", "apply", name, "--migrations-dir", Dir);
        Assert.Contains("No migrations to apply", again.Stdout);
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_trace_and_names_itself()
    {
        var name = Cli.Name("migfail");
        await _cli.RunAsync("d1", "create", name);
        Directory.CreateDirectory(Dir);
        await File.WriteAllTextAsync(Path.Combine(Dir, "0001_ok.sql"), "CREATE TABLE a(x);", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Dir, "0002_bad.sql"), "CREATE TABLE b(x);\nINSERT INTO nope VALUES (1);", TestContext.Current.CancellationToken);

        var apply = await _cli.RunAsync("d1", "migrations", "apply", name, "--migrations-dir", Dir);

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("✅ 0001_ok.sql", apply.Stdout);
        Assert.Contains("❌ 0002_bad.sql: no such table: nope", apply.Stdout);
        var tables = await _cli.RunAsync("d1", "execute", name, "--command", "SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'", "--json");
        Assert.Equal(0, tables.Json()[0].GetProperty("results")[0].GetProperty("n").GetInt32());
    }

    /// <summary>The fleet case of the issue: a thousand databases, some made to fail; a second run retries only those.</summary>
    [Fact]
    public async Task Fleet_apply_reports_every_failed_database_and_a_second_run_resumes_only_those()
    {
        const int count = 1000;
        var prefix = Cli.Name("fleet") + "-";
        var names = Enumerable.Range(0, count).Select(i => $"{prefix}{i:D4}").ToArray();
        var broken = names.Where((_, i) => i % 97 == 0).ToHashSet();
        using (var api = server.Api())
        {
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
                async (name, token) =>
                {
                    await api.Databases.CreateDatabaseAsync(name, token);
                    // A table of the same name makes 0001 fail here, as a hand-edited tenant would.
                    if (broken.Contains(name)) await api.ExecuteAsync(name, "CREATE TABLE items(legacy)", token);
                });
        }
        Directory.CreateDirectory(Dir);
        await File.WriteAllTextAsync(Path.Combine(Dir, "0001_items.sql"), "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT);", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Dir, "0002_index.sql"), "CREATE INDEX items_name ON items(name);", TestContext.Current.CancellationToken);

        var dry = await _cli.RunAsync("d1", "migrations", "apply", "--match", prefix + "*", "--dry-run", "--migrations-dir", Dir, "--json");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Equal(count, dry.Json().GetProperty("to_migrate").GetInt32());
        Assert.Equal(0, await AppliedCountAsync(names[1]));

        var first = await _cli.RunAsync("d1", "migrations", "apply", "--match", prefix + "*", "--concurrency", "8", "--migrations-dir", Dir, "--json");
        Assert.Equal(1, first.ExitCode);
        var report = first.Json();
        Assert.Equal(count, report.GetProperty("databases").GetInt32());
        Assert.Equal(count - broken.Count, report.GetProperty("migrated").GetInt32());
        Assert.Equal(broken.Count, report.GetProperty("failed").GetInt32());
        var failures = report.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("status").GetString() == "failed").ToList();
        Assert.Equal(broken.Order(), failures.Select(f => f.GetProperty("database").GetString()!).Order());
        Assert.All(failures, f =>
        {
            Assert.Equal("0001_items.sql", f.GetProperty("migration").GetString());
            Assert.Contains("table items already exists", f.GetProperty("error").GetString());
        });
        Assert.Equal(2, await AppliedCountAsync(names[1]));
        Assert.Equal(0, await AppliedCountAsync(broken.First()));

        using (var api = server.Api())
            foreach (var name in broken) await api.ExecuteAsync(name, "DROP TABLE items", TestContext.Current.CancellationToken);

        var second = await _cli.RunAsync("d1", "migrations", "apply", "--match", prefix + "*", "--migrations-dir", Dir, "--json");
        Assert.True(second.ExitCode == 0, second.ToString());
        var resumed = second.Json();
        Assert.Equal(broken.Count, resumed.GetProperty("migrated").GetInt32());
        Assert.Equal(count - broken.Count, resumed.GetProperty("up_to_date").GetInt32());
        Assert.Equal(broken.Order(), resumed.GetProperty("results").EnumerateArray()
            .Where(r => r.GetProperty("status").GetString() == "migrated").Select(r => r.GetProperty("database").GetString()!).Order());
        Assert.Equal(2, await AppliedCountAsync(broken.First()));
    }

    async Task<int> AppliedCountAsync(string database)
    {
        using var api = server.Api();
        try
        {
            var results = await api.ExecuteAsync(database, "SELECT count(*) AS n FROM d1_migrations", TestContext.Current.CancellationToken);
            return results[0].Results[0].GetProperty("n").GetInt32();
        }
        catch (Atoll.Client.D1Exception ex) when (ex.Detail.StartsWith("no such table", StringComparison.Ordinal))
        {
            return 0;
        }
    }

    public void Dispose() => _cli.Dispose();
}
