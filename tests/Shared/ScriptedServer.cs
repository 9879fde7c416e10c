using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Atoll.Tests;

/// <summary>
/// A private server that one of the repository's scripts runs (<c>scripts/&lt;name&gt;.sh start &lt;dir&gt; &lt;port&gt;</c>, which
/// prints the server's PID last, and <c>stop &lt;dir&gt;</c>): in a temporary directory, on a free loopback port. Stopped by
/// the script and then killed by that PID, also when the run ends abruptly; its directory removed.
/// </summary>
internal sealed class ScriptedServer(string script)
{
    static readonly object LiveLock = new();
    static readonly HashSet<ScriptedServer> Live = [];

    static ScriptedServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (LiveLock)
                foreach (var server in Live) server.Kill();
        };
    }

    int _pid;

    /// <summary>The server's own directory (its data, PID file and log).</summary>
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory($"atoll-{script}-").FullName;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Starts the server; on failure throws with the script's output and <paramref name="log"/>'s contents (a file in <see cref="Directory"/>).</summary>
    public async Task StartAsync(string log)
    {
        lock (LiveLock) Live.Add(this);
        Port = FreePort();
        var (code, output) = await RunScriptAsync("start", Directory, Port.ToString(CultureInfo.InvariantCulture));
        if (code != 0 || !int.TryParse(output.Trim().Split('\n')[^1], out _pid))
        {
            var logPath = Path.Combine(Directory, log);
            throw new InvalidOperationException($"scripts/{script}.sh start failed (exit {code}):\n{output}\n{(File.Exists(logPath) ? File.ReadAllText(logPath) : "")}");
        }
    }

    /// <summary>Stops the server by its script, then kills its PID if it still runs, and removes its directory.</summary>
    public async Task StopAsync()
    {
        try
        {
            await RunScriptAsync("stop", Directory);
        }
        finally
        {
            Kill();
            lock (LiveLock) Live.Remove(this);
            try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { /* a straggler still holds a file */ }
        }
    }

    /// <summary>Kills the server (and its children) by PID if it still runs.</summary>
    void Kill()
    {
        if (_pid == 0) return;
        try
        {
            using var process = Process.GetProcessById(_pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (ArgumentException) { /* already gone */ }
        catch (InvalidOperationException) { /* exited meanwhile */ }
        _pid = 0;
    }

    async Task<(int Code, string Output)> RunScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", script + ".sh"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // includes an apt install on a fresh machine
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/{script}.sh {string.Join(' ', arguments)} did not finish in 5 minutes");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Atoll.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No Atoll.slnx above {AppContext.BaseDirectory}");
    }
}
