using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Atoll.Server.Tests.CrashSafety;

namespace Atoll.Server.Tests.Hosting;

/// <summary>The server as an operator runs it: real processes, their exit codes and what they print.</summary>
public sealed class ServerCommandTests : IDisposable
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    readonly string _data = Path.Combine(Path.GetTempPath(), "atoll-command-test-" + Guid.NewGuid().ToString("N"));
    readonly string _token = "command-admin-" + Guid.NewGuid().ToString("N");

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Help_prints_the_usage_and_exits_0()
    {
        var (code, stdout, stderr) = await ServerProcess.RunToExitAsync(["--help"], Ct);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("--urls", stdout);
        Assert.Contains("--data-dir", stdout);
        Assert.Contains("--admin-token", stdout);
        Assert.Contains("worker-config", stdout);
        Assert.DoesNotContain("listening", stdout);
    }

    [Fact]
    public async Task An_unknown_flag_fails_with_one_line_that_suggests_urls_and_exit_2()
    {
        var (code, stdout, stderr) = await ServerProcess.RunToExitAsync(["--port", "9000", "--data-dir", _data], Ct);
        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        var line = Assert.Single(Lines(stderr));
        Assert.Contains("--port", line);
        Assert.Contains("--urls", line);
        Assert.False(Directory.Exists(_data), "a usage error must not start anything");
    }

    [Fact]
    public async Task Configuration_overrides_are_not_unknown_flags()
    {
        // --Section:Key forms reach the configuration; a wrong value is one line and exit 2, not a stack trace.
        var (code, stdout, stderr) = await ServerProcess.RunToExitAsync(
            ["--data-dir", _data, "--Atoll:MaxQueuedRequests", "-1", "--Atoll:IdleTimeout=00:01:00"], Ct);
        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("Atoll:MaxQueuedRequests", Assert.Single(Lines(stderr)));
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_and_a_failing_exit_code()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, stdout, stderr) = await ServerProcess.RunToExitAsync(
            ["--urls", $"http://127.0.0.1:{port}", "--data-dir", _data, "--admin-token", _token], Ct);
        Assert.True(code is not 0 and not 134, $"exit {code}\n{stdout}\n{stderr}");
        var line = Assert.Single(Lines(stderr));
        Assert.Contains($"127.0.0.1:{port}", line);
        Assert.Contains("address already in use", line);
        Assert.DoesNotContain("   at ", stdout + stderr);
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_refuses_to_start()
    {
        await using var first = await ServerProcess.StartAsync(_data, _token, [], Ct);
        var (code, stdout, stderr) = await ServerProcess.RunToExitAsync(
            ["--urls", "http://127.0.0.1:0", "--data-dir", _data, "--admin-token", _token], Ct);
        Assert.True(code != 0, $"exit {code}\n{stdout}\n{stderr}");
        var line = Assert.Single(Lines(stderr));
        Assert.Contains(_data, line);
        Assert.Contains("in use", line);
        // The first one is untouched and still serves.
        Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("/healthz", Ct)).StatusCode);

        // Once the first is gone (even by SIGKILL: the lock dies with the process), the directory opens again.
        await first.KillAsync();
        await using var second = await ServerProcess.StartAsync(_data, _token, [], Ct);
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/healthz", Ct)).StatusCode);
    }

    [Fact]
    public async Task After_an_explicit_admin_token_no_stale_token_file_is_pointed_to()
    {
        var generated = await AtollServer.StartWithoutAdminTokenAsync(_data);
        var file = Path.Combine(_data, "admin-token");
        Assert.True(File.Exists(file));
        await generated.StopAsync(deleteData: false);

        await using (var explicitToken = await ServerProcess.StartAsync(_data, _token, [], Ct))
        {
            Assert.False(File.Exists(file), "the file still holds the replaced token");
            Assert.Contains("given with ATOLL_ADMIN_TOKEN / --admin-token", explicitToken.Output);
        }

        // Started again without a token: the last given one still works (the client authenticates with it), and the log
        // sends no one to a file.
        await using var again = await ServerProcess.StartAsync(_data, _token, [], Ct, passToken: false);
        Assert.Contains("the one last given with ATOLL_ADMIN_TOKEN / --admin-token", again.Output);
        Assert.DoesNotContain(file, again.Output);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task The_Orleans_watchdog_warning_does_not_appear_at_start()
    {
        await using var server = await ServerProcess.StartAsync(_data, _token, [], Ct);
        // Only this one: a loaded machine may make Orleans warn about slow work items, which is true, not noise.
        Assert.DoesNotContain("Participant check thread", server.Output);
    }

    [Fact]
    public async Task SIGTERM_finishes_writes_in_flight_and_exits_0_and_nothing_acknowledged_is_lost()
    {
        var server = await ServerProcess.StartAsync(_data, _token, ["--Atoll:ShutdownTimeout=00:02:00"], Ct);
        string uuid;
        var acknowledged = new ConcurrentBag<int>();
        try
        {
            var created = await Reply.ReadAsync(await server.Client.PostAsync(server.Databases, AtollServer.Json(new { name = "term" }), Ct));
            uuid = created.Result.GetProperty("uuid").GetString()!;
            var schema = await Reply.ReadAsync(await server.Client.PostAsync($"{server.Databases}/{uuid}/query",
                AtollServer.Json(new { sql = "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT)" }), Ct));
            Assert.True(schema.Success, schema.Text);

            var next = 0;
            async Task WriteUntilRefusedAsync()
            {
                while (true)
                {
                    var id = Interlocked.Increment(ref next);
                    try
                    {
                        var response = await server.Client.PostAsync($"{server.Databases}/{uuid}/query", AtollServer.Json(new
                        {
                            sql = "INSERT INTO t VALUES (?, ?)", @params = new object[] { id, new string('x', 20_000) },
                        }), CancellationToken.None);
                        var reply = await Reply.ReadAsync(response);
                        if (!reply.Success) return;
                        acknowledged.Add(id);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException)
                    {
                        return; // the server stopped taking requests: this write's outcome is unknown
                    }
                }
            }
            var writers = Enumerable.Range(0, 6).Select(_ => Task.Run(WriteUntilRefusedAsync, Ct)).ToArray();
            while (acknowledged.Count < 30) await Task.Delay(5, Ct);

            var exitCode = await server.TerminateAsync(Ct);
            await Task.WhenAll(writers);
            Assert.True(exitCode == 0, $"exit {exitCode}\n{server.Output}");
        }
        finally
        {
            await server.DisposeAsync();
        }

        await using var restarted = await ServerProcess.StartAsync(_data, _token, [], Ct);
        var rows = await Reply.ReadAsync(await restarted.Client.PostAsync($"{restarted.Databases}/{uuid}/query",
            AtollServer.Json(new { sql = "SELECT id FROM t" }), Ct));
        var present = rows.Result[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetInt32()).ToHashSet();
        Assert.All(acknowledged, id => Assert.Contains(id, present));
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
