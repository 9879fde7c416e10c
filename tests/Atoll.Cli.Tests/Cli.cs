using Atoll.Cli.Hosting;

namespace Atoll.Cli.Tests;

/// <summary>
/// Runs the <c>atoll</c> command tree in-process with captured stdout/stderr, its own config folder and environment — as a user
/// with ATOLL_URL/ATOLL_TOKEN/ATOLL_ACCOUNT set would, unless a test clears them.
/// </summary>
public sealed class Cli : IDisposable
{
    readonly Dictionary<string, string?> _environment;

    public Cli(CliServer server, string? token = null)
    {
        ConfigDirectory = Path.Combine(Path.GetTempPath(), "atoll-cli-config-" + Guid.NewGuid().ToString("N"));
        WorkDirectory = Path.Combine(Path.GetTempPath(), "atoll-cli-work-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(WorkDirectory);
        _environment = new(StringComparer.Ordinal)
        {
            ["ATOLL_CONFIG_DIR"] = ConfigDirectory,
            ["ATOLL_URL"] = server.Url,
            ["ATOLL_TOKEN"] = token ?? CliServer.AdminToken,
            ["ATOLL_ACCOUNT"] = server.AccountId,
        };
    }

    public string ConfigDirectory { get; }

    /// <summary>A temp folder for the test's files (migrations, exports).</summary>
    public string WorkDirectory { get; }

    public Cli Set(string name, string? value)
    {
        _environment[name] = value;
        return this;
    }

    public async Task<CliRun> RunAsync(params string[] args) => await RunAsync(args, stdin: "", interactive: false);

    public async Task<CliRun> RunAsync(string[] args, string stdin, bool interactive)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = new CliConsole
        {
            Out = stdout,
            Error = stderr,
            In = new StringReader(stdin),
            IsInteractive = interactive,
            Environment = name => _environment.TryGetValue(name, out var value) ? value : null,
        };
        var exit = await AtollCommandLine.RunAsync(args, console, TestContext.Current.CancellationToken);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The environment for a real <c>atoll</c> process: the same variables as in-process runs.</summary>
    public IReadOnlyDictionary<string, string?> Environment() => _environment;

    public static string Name(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public void Dispose()
    {
        try { Directory.Delete(ConfigDirectory, recursive: true); } catch (DirectoryNotFoundException) { }
        try { Directory.Delete(WorkDirectory, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
