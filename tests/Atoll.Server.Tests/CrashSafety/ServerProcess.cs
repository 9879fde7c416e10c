using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Atoll.Server.Tests.CrashSafety;

/// <summary>
/// The real server as a separate process (<c>dotnet Atoll.Server.dll</c>), so a test can SIGKILL it mid-write and
/// start it again on the same data directory, as a crash and a restart would. Tracked by <see cref="ChildProcesses"/>: it is
/// killed by PID on dispose and, failing that, when the test run ends.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();

    ServerProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string AccountId { get; private set; } = "";

    /// <summary>Everything the server logged so far (for failure messages).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public string Databases => $"/client/v4/accounts/{AccountId}/d1/database";

    /// <summary>Starts the server and waits until it answers; with <paramref name="passToken"/> false it is started without
    /// <c>--admin-token</c> and <paramref name="adminToken"/> is only what the client authenticates with.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, string adminToken, string[] settings, CancellationToken cancellationToken,
        bool passToken = true)
    {
        string[] token = passToken ? ["--admin-token", adminToken] : [];
        var start = StartInfo(["--urls", "http://127.0.0.1:0", "--data-dir", dataDirectory, .. token, .. settings]);
        var server = new ServerProcess(ChildProcesses.Start(start));
        try
        {
            await server.WaitUntilListeningAsync(adminToken, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Runs the server with <paramref name="args"/> to its exit (for start-up failures and --help); killed if it outlives the test.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(string[] args, CancellationToken cancellationToken)
    {
        var process = ChildProcesses.Start(StartInfo(args));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            await ChildProcesses.KillAsync(process);
            process.Dispose();
        }
    }

    static ProcessStartInfo StartInfo(string[] args)
    {
        if (!File.Exists(SourceTree.ServerDll)) throw new InvalidOperationException($"{SourceTree.ServerDll} is not built");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["DOTNET_NOLOGO"] = "1", ["Logging__Console__FormatterName"] = "simple" },
        };
        start.ArgumentList.Add(SourceTree.ServerDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>The process id (to signal it).</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited (on its own or killed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>SIGTERM, as a service manager stops a server; returns its exit code once it is gone.</summary>
    public async Task<int> TerminateAsync(CancellationToken cancellationToken)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
            if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
        }
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    async Task WaitUntilListeningAsync(string adminToken, CancellationToken cancellationToken)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (_output) _output.AppendLine(e.Data);
            if (Listening().Match(e.Data) is { Success: true } match) listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
        _process.OutputDataReceived += OnLine;
        _process.ErrorDataReceived += OnLine;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            // A bound for a broken server only: a loaded machine just takes longer.
            BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromMinutes(3), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"the server did not start in 3 minutes:\n{Output}");
        }
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        var accounts = await Client.GetFromJsonAsync<JsonElement>("/client/v4/accounts", cancellationToken);
        AccountId = accounts.GetProperty("result")[0].GetProperty("id").GetString()!;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushes, no checkpoint; what is not on disk is gone.</summary>
    public Task KillAsync() => ChildProcesses.KillAsync(_process);

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await KillAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Atoll listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
