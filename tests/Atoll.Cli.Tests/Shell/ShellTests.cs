namespace Atoll.Cli.Tests.Shell;

public sealed class ShellTests(CliServer server) : IDisposable
{
    readonly Cli _cli = new(server);

    [Fact]
    public async Task A_script_on_stdin_runs_statement_by_statement_with_dot_commands()
    {
        var name = Cli.Name("sh");
        await _cli.RunAsync("d1", "create", name);
        const string script = """
            CREATE TABLE people(
              id INTEGER PRIMARY KEY,
              name TEXT -- a comment; with a semicolon
            );
            INSERT INTO people(name) VALUES ('a;b'), ('c');
            .tables
            .schema people
            .mode csv
            SELECT id, name FROM people ORDER BY id;
            .mode json
            SELECT count(*) AS n FROM people;
            """;

        var run = await _cli.RunAsync(["d1", "shell", name], script, interactive: false);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("people", lines[0]);
        Assert.StartsWith("CREATE TABLE people(", lines[1]);
        Assert.Contains("id,name\n1,a;b\n2,c\n", run.Stdout);
        Assert.Contains("\"n\": 2", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public async Task Errors_are_in_d1s_words_and_the_script_carries_on_then_exits_1()
    {
        var name = Cli.Name("sherr");
        await _cli.RunAsync("d1", "create", name);

        var run = await _cli.RunAsync(["d1", "shell", name], "SELECT * FROM missing;\n.mode csv\nSELECT 7 AS seven;\n.nonsense\n", interactive: false);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: no such table: missing: SQLITE_ERROR", run.Stderr);
        Assert.Contains("error: unknown command .nonsense", run.Stderr);
        Assert.Contains("seven\n7\n", run.Stdout);
    }

    [Fact]
    public async Task Interactive_use_prompts_continues_lines_times_and_keeps_history()
    {
        var name = Cli.Name("shi");
        await _cli.RunAsync("d1", "create", name);

        var run = await _cli.RunAsync(["d1", "shell", name], ".timer on\nSELECT\n  40 + 2 AS answer;\n.bookmark\n.quit\n", interactive: true);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{name}> ", run.Stdout);
        Assert.Contains("   ...> ", run.Stdout);
        Assert.Contains("42", run.Stdout);
        Assert.Contains("Run Time: ", run.Stdout);
        Assert.Matches("[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}", run.Stdout);

        var again = await _cli.RunAsync(["d1", "shell", name], ".history\n", interactive: true);
        Assert.Contains("SELECT\n  40 + 2 AS answer;", again.Stdout);
    }

    [Fact]
    public async Task The_real_binary_runs_the_shell_in_a_pseudo_terminal()
    {
        var name = Cli.Name("pty");
        await _cli.RunAsync("d1", "create", name);
        // The second SELECT is the Up arrow (ESC [ A) recalling the line before: its result shows twice.
        var input = "CREATE TABLE t(a);\nINSERT INTO t VALUES (4242);\nSELECT a * 2 AS doubled FROM t;\n\u001b[A\nSELECT * FROM nope;\n.quit\n";
        var environment = new Dictionary<string, string?>(_cli.Environment()) { ["TERM"] = "xterm" };

        var run = await AtollProcess.RunInTerminalAsync(["d1", "shell", name], input, environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{name}> ", run.Stdout);
        Assert.True(run.Stdout.Split("8484").Length - 1 == 2, run.ToString());
        Assert.Contains("no such table: nope: SQLITE_ERROR", run.Stdout);
    }

    public void Dispose() => _cli.Dispose();
}
