using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Atoll.Server.Tests;

namespace Atoll.Cluster.Tests;

/// <summary>A Worker on real workerd, its D1 binding pointed at any node, reads and writes a database another node owns.</summary>
[Collection("cluster")]
public sealed class BindingTests(ClusterFixture cluster)
{
    const string Worker = """
        export default {
          async fetch(request, env) {
            await env.DB.prepare("INSERT INTO t(v) VALUES (?)").bind(new URL(request.url).searchParams.get("v")).run();
            const { results } = await env.DB.prepare("SELECT v FROM t ORDER BY id").all();
            return Response.json(results.map(r => r.v));
          }
        };
        """;

    [Fact]
    public async Task Workers_binding_through_every_node_reaches_a_database_owned_elsewhere()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var workerd = Path.Combine(SourceTree.Compat, "node_modules", "workerd", "bin", "workerd");
        Assert.True(File.Exists(workerd), $"{workerd} is missing: run scripts/compat-install.sh");
        var admin = cluster.Nodes[0];
        var uuid = await ClusterFixture.CreateTableAsync(admin, $"binding-{Guid.NewGuid():N}"[..30], ct);
        Assert.Equal(200, (await admin.QueryAsync(uuid, "ALTER TABLE t ADD COLUMN v TEXT", null, ct)).Status);
        // One node owns it, so two of the three Workers below reach it through a node that forwards the call.
        Assert.Single(await ClusterFixture.ListAsync(admin, ct), n => n.Value.Databases.Contains(uuid));

        var directory = Directory.CreateTempSubdirectory("atoll-cluster-workerd-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "worker.js"), Worker, ct);
            var expected = new List<string>();
            foreach (var node in cluster.Nodes)
            {
                var port = FreePort();
                var config = Path.Combine(directory, $"{node.Name}.capnp");
                var (code, output) = await RunAsync("dotnet", [SourceTree.ServerDll, "worker-config", "--url", node.Process.BaseAddress.ToString().TrimEnd('/'),
                    "--token", ClusterFixture.AdminToken, "--account", node.Process.AccountId, "--binding", $"DB={uuid}",
                    "--worker", Path.Combine(directory, "worker.js"), "--out", config, "--port", port.ToString(CultureInfo.InvariantCulture)], ct);
                Assert.True(code == 0, output);
                var process = ChildProcesses.Start(new ProcessStartInfo(workerd, ["serve", config]) { RedirectStandardOutput = true, RedirectStandardError = true });
                try
                {
                    using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
                    string? answer = null;
                    for (var i = 0; answer is null && i < 300; i++)
                    {
                        try { answer = await http.GetStringAsync($"http://127.0.0.1:{port}/?v={node.Name}", ct); }
                        catch (HttpRequestException) { await Task.Delay(200, ct); }
                    }
                    expected.Add(node.Name);
                    Assert.Equal(expected, JsonSerializer.Deserialize<string[]>(answer ?? "null"));
                }
                finally
                {
                    await ChildProcesses.KillAsync(process);
                    process.Dispose();
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    static async Task<(int Code, string Output)> RunAsync(string file, string[] args, CancellationToken ct)
    {
        var process = ChildProcesses.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true });
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            await ChildProcesses.KillAsync(process);
            process.Dispose();
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
