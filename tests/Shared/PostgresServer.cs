using Npgsql;

namespace Atoll.Tests;

/// <summary>
/// A private PostgreSQL for one test class (<c>IClassFixture&lt;PostgresServer&gt;</c>): started by
/// <c>scripts/postgres.sh</c> in a temporary directory on a free loopback port, stopped and then killed by its
/// postmaster PID when the class ends — also when the run ends abruptly — and its directory removed (<see cref="ScriptedServer"/>).
/// Each test takes its own database from <see cref="CreateDatabaseAsync"/>, so tests never see each other's rows.
/// Free of xunit (the fixture side is in PostgresServer.Fixture.cs) so benchmarks link it too.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    readonly ScriptedServer _server = new("postgres");
    int _databases;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port => _server.Port;

    /// <summary>The server's own <c>postgres</c> database (for administration; tests use their own databases).</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    public async ValueTask InitializeAsync() => await _server.StartAsync("postgres.log");

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
        await _server.StopAsync();
    }
}
