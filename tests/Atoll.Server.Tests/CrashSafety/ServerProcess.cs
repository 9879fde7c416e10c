using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Atoll.Server.Tests.CrashSafety;

/// <summary>
/// The real server as a separate process (<c>dotnet Atoll.Server.dll</c>), so a test can SIGKILL it mid-write and
/// start it again on the same data directory, as a crash and a restart would.
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

    public static async Task<ServerProcess> StartAsync(string dataDirectory, string adminToken, string[] settings, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["DOTNET_NOLOGO"] = "1", ["Logging__Console__FormatterName"] = "simple" },
        };
        string[] args = [SourceTree.ServerDll, "--urls", "http://127.0.0.1:0", "--data-dir", dataDirectory, "--admin-token", adminToken, .. settings];
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        if (!File.Exists(SourceTree.ServerDll)) throw new InvalidOperationException($"{SourceTree.ServerDll} is not built");
        var server = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet"));
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
            BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"the server did not start in 60 s:\n{Output}");
        }
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        var accounts = await Client.GetFromJsonAsync<JsonElement>("/client/v4/accounts", cancellationToken);
        AccountId = accounts.GetProperty("result")[0].GetProperty("id").GetString()!;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushes, no checkpoint; what is not on disk is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await KillAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Atoll listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
