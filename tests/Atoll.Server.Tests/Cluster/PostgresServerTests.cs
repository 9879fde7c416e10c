using System.Diagnostics;
using Atoll.Tests;
using Npgsql;

namespace Atoll.Server.Tests.Cluster;

/// <summary>The fixture itself: a private server that answers, separates tests by database, and is gone after Dispose.</summary>
public sealed class PostgresServerTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Starts_serves_separate_databases_and_is_killed_on_dispose()
    {
        var server = new PostgresServer();
        string first, second;
        try
        {
            await server.InitializeAsync();
            first = await server.CreateDatabaseAsync();
            second = await server.CreateDatabaseAsync();
            await using (var a = new NpgsqlConnection(first))
            {
                await a.OpenAsync(Ct);
                await new NpgsqlCommand("CREATE TABLE t (x int)", a).ExecuteNonQueryAsync(Ct);
            }
            await using (var b = new NpgsqlConnection(second))
            {
                await b.OpenAsync(Ct);
                var exists = await new NpgsqlCommand("SELECT to_regclass('t') IS NOT NULL", b).ExecuteScalarAsync(Ct);
                Assert.Equal(false, exists);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
        await using var gone = new NpgsqlConnection(first);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => gone.OpenAsync(Ct));
    }
}
