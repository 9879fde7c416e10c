using System.Collections.Concurrent;
using System.Diagnostics;

namespace Atoll.Server.Tests;

/// <summary>
/// Every process the tests start, killed by PID when the test run ends however it ends (a failed assertion, a test
/// timeout that abandons its finally blocks, Ctrl+C of the runner), so no server outlives the run as an orphan.
/// </summary>
internal static class ChildProcesses
{
    static readonly ConcurrentDictionary<int, Process> Live = new();

    static ChildProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    /// <summary>Starts <paramref name="start"/> and tracks the process until <see cref="Kill"/>.</summary>
    public static Process Start(ProcessStartInfo start)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        Live[process.Id] = process;
        return process;
    }

    /// <summary>Kills the process (and its children) by PID if it still runs, and waits for it to be gone.</summary>
    public static async Task KillAsync(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        Live.TryRemove(process.Id, out _);
    }

    static void KillAll()
    {
        foreach (var process in Live.Values)
            try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (Exception) { /* best effort at exit */ }
    }
}
