using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Atoll.Tests;

/// <summary>
/// A private PostgreSQL for one test class (<c>IClassFixture&lt;PostgresServer&gt;</c>): started by
/// <c>scripts/postgres.sh</c> in a temporary directory on a free loopback port, stopped and then killed by its
/// postmaster PID when the class ends — also when the run ends abruptly — and its directory removed.
/// Each test takes its own database from <see cref="CreateDatabaseAsync"/>, so tests never see each other's rows.
/// Free of xunit (the fixture side is in PostgresServer.Fixture.cs) so benchmarks link it too.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    static readonly object LiveLock = new();
    static readonly HashSet<PostgresServer> Live = [];

    static PostgresServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (LiveLock)
                foreach (var server in Live) server.Kill();
        };
    }

    readonly string _directory = Directory.CreateTempSubdirectory("atoll-pg-").FullName;
    int _postmasterPid;
    int _databases;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The server's own <c>postgres</c> database (for administration; tests use their own databases).</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    public async ValueTask InitializeAsync()
    {
        lock (LiveLock) Live.Add(this);
        Port = FreePort();
        var (code, output) = await RunScriptAsync("start", _directory, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (code != 0 || !int.TryParse(output.Trim().Split('\n')[^1], out _postmasterPid))
            throw new InvalidOperationException($"scripts/postgres.sh start failed (exit {code}):\n{output}\n{ReadLog()}");
    }

    /// <summary>Creates a fresh database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var name = $"{prefix ?? "test"}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..12]}".ToLowerInvariant();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
            // Short pools: one fixture serves many connections from several catalog/fence instances per test.
            MaxPoolSize = 20,
        }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunScriptAsync("stop", _directory);
        }
        finally
        {
            Kill();
            lock (LiveLock) Live.Remove(this);
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* a straggler still holds a file */ }
        }
    }

    /// <summary>Kills the postmaster (and its backends) by PID if it still runs.</summary>
    void Kill()
    {
        if (_postmasterPid == 0) return;
        try
        {
            using var process = Process.GetProcessById(_postmasterPid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (ArgumentException) { /* already gone */ }
        catch (InvalidOperationException) { /* exited meanwhile */ }
        _postmasterPid = 0;
    }

    string ReadLog()
    {
        var log = Path.Combine(_directory, "postgres.log");
        return File.Exists(log) ? File.ReadAllText(log) : "";
    }

    static async Task<(int Code, string Output)> RunScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "postgres.sh"));
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
            throw new TimeoutException($"scripts/postgres.sh {string.Join(' ', arguments)} did not finish in 5 minutes");
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
