using Atoll.Cli.Hosting;

namespace Atoll.Cli;

/// <summary>The <c>atoll</c> tool's entry point.</summary>
internal static class Program
{
    static async Task<int> Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (interrupt.IsCancellationRequested) return; // a second Ctrl+C ends the process at once
            e.Cancel = true;
            interrupt.Cancel();
        };
        return await AtollCommandLine.RunAsync(args, CliConsole.System(), interrupt.Token);
    }
}
