namespace Atoll.Cli.Tests.Commands;

public sealed class DatabaseCommandTests(CliServer server) : IDisposable
{
    readonly Cli _cli = new(server);

    [Fact]
    public async Task Create_list_info_and_delete_speak_json()
    {
        var name = Cli.Name("db");
        var created = await _cli.RunAsync("d1", "create", name, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var uuid = created.Json().GetProperty("uuid").GetString();

        var list = await _cli.RunAsync("d1", "list", "--json");
        Assert.Contains(list.Json().EnumerateArray(), d => d.GetProperty("name").GetString() == name && d.GetProperty("uuid").GetString() == uuid);

        var info = await _cli.RunAsync("d1", "info", name, "--json");
        Assert.Equal(uuid, info.Json().GetProperty("uuid").GetString());
        Assert.Equal(0, info.Json().GetProperty("num_tables").GetInt32());

        var deleted = await _cli.RunAsync("d1", "delete", name, "--yes", "--json");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal(uuid, deleted.Json().GetProperty("deleted").GetString());
        Assert.Equal(1, (await _cli.RunAsync("d1", "info", name)).ExitCode);
    }

    [Fact]
    public async Task List_prints_a_table_for_people()
    {
        var name = Cli.Name("table");
        await _cli.RunAsync("d1", "create", name);

        var list = await _cli.RunAsync("d1", "list");

        Assert.Equal(0, list.ExitCode);
        Assert.Contains("│ uuid", list.Stdout);
        Assert.Contains(name, list.Stdout);
    }

    [Fact]
    public async Task Execute_returns_every_statements_result_with_exact_integers()
    {
        var name = Cli.Name("exec");
        await _cli.RunAsync("d1", "create", name);

        var run = await _cli.RunAsync("d1", "execute", name, "--json", "--command",
            "CREATE TABLE t(a INTEGER, b TEXT); INSERT INTO t VALUES (9007199254740993, 'x'); SELECT * FROM t");

        Assert.True(run.ExitCode == 0, run.ToString());
        var results = run.Json();
        Assert.Equal(3, results.GetArrayLength());
        Assert.Equal(1, results[1].GetProperty("meta").GetProperty("changes").GetInt32());
        Assert.Equal("9007199254740993", results[2].GetProperty("results")[0].GetProperty("a").GetRawText());
        Assert.True(results[2].GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task Execute_shows_sql_errors_in_d1s_words_on_one_line()
    {
        var name = Cli.Name("err");
        await _cli.RunAsync("d1", "create", name);

        var run = await _cli.RunAsync("d1", "execute", name, "--command", "SELECT * FROM nope");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: no such table: nope: SQLITE_ERROR", run.Stderr.Trim());
    }

    [Fact]
    public async Task An_unknown_database_is_one_clear_line()
    {
        var run = await _cli.RunAsync("d1", "execute", "no-such-db-here", "--command", "SELECT 1");

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("error:", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("d1", "execute", "x")]                                            // neither --command nor --file
    [InlineData("d1", "create")]                                                  // missing name
    [InlineData("d1", "list", "--bogus")]                                         // unknown flag
    [InlineData("d1", "insights", "x", "--sort-by", "nonsense")]                  // value not allowed
    [InlineData("d1", "migrations", "apply", "--all", "--match", "x-*")]          // two targets
    public async Task Bad_usage_exits_2_without_a_stack_trace(params string[] args)
    {
        var run = await _cli.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("error: ", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public async Task Delete_refuses_without_yes_when_nobody_can_be_asked()
    {
        var name = Cli.Name("keep");
        await _cli.RunAsync("d1", "create", name);

        var run = await _cli.RunAsync("d1", "delete", name);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("pass --yes", run.Stderr);
        Assert.Equal(0, (await _cli.RunAsync("d1", "info", name)).ExitCode);
    }

    [Fact]
    public async Task Delete_asks_and_keeps_the_database_on_no()
    {
        var name = Cli.Name("ask");
        await _cli.RunAsync("d1", "create", name);

        var no = await _cli.RunAsync(["d1", "delete", name], stdin: "n\n", interactive: true);
        Assert.Equal(1, no.ExitCode);
        Assert.Contains("[y/N]", no.Stderr);
        Assert.Equal(0, (await _cli.RunAsync("d1", "info", name)).ExitCode);

        var yes = await _cli.RunAsync(["d1", "delete", name], stdin: "y\n", interactive: true);
        Assert.True(yes.ExitCode == 0, yes.ToString());
        Assert.Equal(1, (await _cli.RunAsync("d1", "info", name)).ExitCode);
    }

    [Fact]
    public async Task Export_then_import_and_execute_file_round_trip_the_data()
    {
        var source = Cli.Name("src");
        var target = Cli.Name("dst");
        await _cli.RunAsync("d1", "create", source);
        await _cli.RunAsync("d1", "create", target);
        await _cli.RunAsync("d1", "execute", source, "--command", "CREATE TABLE t(a); INSERT INTO t VALUES (1),(2),(3)");
        var file = Path.Combine(_cli.WorkDirectory, "dump.sql");

        var export = await _cli.RunAsync("d1", "export", source, "--output", file, "--json");
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("CREATE TABLE t", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        Assert.Equal(new FileInfo(file).Length, export.Json().GetProperty("bytes").GetInt64());

        var import = await _cli.RunAsync("d1", "import", target, file, "--json");
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.True(import.Json().GetProperty("num_queries").GetInt32() >= 2);

        var extra = Path.Combine(_cli.WorkDirectory, "more.sql");
        await File.WriteAllTextAsync(extra, "INSERT INTO t VALUES (4);\nINSERT INTO t VALUES (5);\n", TestContext.Current.CancellationToken);
        var executed = await _cli.RunAsync("d1", "execute", target, "--file", extra);
        Assert.True(executed.ExitCode == 0, executed.ToString());

        var count = await _cli.RunAsync("d1", "execute", target, "--command", "SELECT count(*) AS n FROM t", "--json");
        Assert.Equal(5, count.Json()[0].GetProperty("results")[0].GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task A_failing_file_is_rolled_back_and_reported()
    {
        var name = Cli.Name("bad");
        await _cli.RunAsync("d1", "create", name);
        var file = Path.Combine(_cli.WorkDirectory, "bad.sql");
        await File.WriteAllTextAsync(file, "CREATE TABLE t(a);\nINSERT INTO nope VALUES (1);\n", TestContext.Current.CancellationToken);

        var run = await _cli.RunAsync("d1", "execute", name, "--file", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no such table: nope", run.Stderr);
        var tables = await _cli.RunAsync("d1", "execute", name, "--command", "SELECT count(*) AS n FROM sqlite_master WHERE name = 't'", "--json");
        Assert.Equal(0, tables.Json()[0].GetProperty("results")[0].GetProperty("n").GetInt32());
    }

    public void Dispose() => _cli.Dispose();
}
