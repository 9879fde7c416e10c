using System.Diagnostics;

namespace Atoll.Cli.Tests;

/// <summary>Runs the built <c>atoll</c> as a real process (or installed tool), killed by PID when a test ends, whatever happens.</summary>
public static class AtollProcess
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>The CLI assembly beside the tests (the project reference copies it with its runtimeconfig).</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Atoll.Cli.dll");

    /// <summary>Runs <c>dotnet Atoll.Cli.dll ARGS</c> inside a pseudo-terminal made by util-linux <c>script</c>, typing <paramref name="input"/>.</summary>
    public static Task<CliRun> RunInTerminalAsync(string[] args, string input, IReadOnlyDictionary<string, string?> environment)
    {
        var command = string.Join(' ', new[] { "dotnet", Dll }.Concat(args).Select(Quote));
        return RunAsync("script", ["-q", "-e", "-c", command, "/dev/null"], input, environment);
    }

    public static async Task<CliRun> RunAsync(string file, IEnumerable<string> args, string input, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            // Typed line by line, as a person would; the pty echoes it back.
            foreach (var line in input.Split('\n'))
            {
                await process.StandardInput.WriteAsync(line + "\n");
                await process.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            limit.CancelAfter(Limit);
            await process.WaitForExitAsync(limit.Token);
            return new CliRun(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
