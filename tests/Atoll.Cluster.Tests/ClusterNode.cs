using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Atoll.Server.Tests.CrashSafety;

namespace Atoll.Cluster.Tests;

/// <summary>One node of the test cluster: a real server process with its own data directory, which a test may kill, freeze, drain and start again.</summary>
public sealed class ClusterNode(string name, string region, string dataDirectory, Func<string[]> settings)
{
    ServerProcess? _process;
    string _earlierOutput = ""; // what the node's earlier processes logged (a failure may come from before a restart)

    public string Name { get; } = name;

    public string Region { get; } = region;

    public string DataDirectory { get; } = dataDirectory;

    internal ServerProcess Process => _process ?? throw new InvalidOperationException($"{Name} is not running");

    public bool IsRunning => _process is not null;

    public HttpClient Client => Process.Client;

    public int Pid => Process.Id;

    public string Output => _earlierOutput + (_process?.Output ?? "");

    /// <summary>
    /// Waits until the node has logged <paramref name="text"/>. Its log reaches the test through a pipe, behind the HTTP
    /// answer that followed the line: a line is waited for, never expected to be there already.
    /// </summary>
    /// <param name="since">Where in <see cref="Output"/> to look from (its length when the awaited step began): it holds
    /// every earlier process of this node too, whose lines must not answer for this one.</param>
    public Task WaitForOutputAsync(string text, string why, CancellationToken cancellationToken, int since = 0)
        => WaitForOutputAsync(output => output.Contains(text, StringComparison.Ordinal), $"'{text}' ({why})", cancellationToken, since);

    /// <summary>Waits until the node's log from <paramref name="since"/> on satisfies <paramref name="seen"/> (see the other overload).</summary>
    public async Task WaitForOutputAsync(Func<string, bool> seen, string what, CancellationToken cancellationToken, int since = 0)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!seen(Output[since..]))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Name} never logged {what}:\n{Output}");
            await Task.Delay(100, cancellationToken);
        }
    }

    public string Databases => Process.Databases;

    public async Task StartAsync(string adminToken, CancellationToken cancellationToken)
    {
        _process = await ServerProcess.StartAsync(DataDirectory, adminToken,
            [.. settings(), "--Atoll:Cluster:NodeName=" + Name, "--Atoll:Cluster:Region=" + Region], cancellationToken);
    }

    /// <summary>SIGKILL: gone without a word, as a crashed machine.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _earlierOutput += _process.Output + $"----- {Name} process ended -----\n";
        await _process.DisposeAsync();
        _process = null;
    }

    public Task FreezeAsync() => SignalAsync("STOP");

    /// <summary>SIGTERM: what systemd or Kubernetes sends to stop a node.</summary>
    public Task TerminateAsync() => SignalAsync("TERM");

    public Task ThawAsync() => SignalAsync("CONT");

    /// <summary>Waits for the process to exit on its own (a drain, or a node that learned it was declared dead).</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        var process = Process;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if (process.HasExited) return true;
            await Task.Delay(200, cancellationToken);
        }
        return false;
    }

    /// <summary>Forgets an exited process (its data directory stays for the next start).</summary>
    public async Task ReapAsync() => await KillAsync();

    async Task SignalAsync(string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, Pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {Pid} failed");
    }

    /// <summary>The ids in <paramref name="database"/>'s table <c>t</c>, read through this node; null when it did not answer.</summary>
    public async Task<HashSet<long>?> IdsAsync(string database, CancellationToken cancellationToken)
    {
        var (status, body) = await QueryAsync(database, "SELECT id FROM t", null, cancellationToken);
        return status != 200 ? null
            : body.GetProperty("result")[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ToHashSet();
    }

    /// <summary>POSTs a query for <paramref name="database"/> to this node; the parsed envelope and the HTTP status.</summary>
    public async Task<(int Status, JsonElement Body)> QueryAsync(string database, string sql, object[]? parameters, CancellationToken cancellationToken)
    {
        using var response = await Client.PostAsJsonAsync($"{Databases}/{database}/query", new { sql, @params = parameters ?? [] }, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
        }
        catch (JsonException)
        {
            return ((int)response.StatusCode, JsonDocument.Parse(JsonSerializer.Serialize(new { success = false, text })).RootElement.Clone());
        }
    }
}
