namespace Atoll.Tests;

/// <summary>
/// A private Redis for one test class or cluster fixture: started by <c>scripts/redis.sh</c> in a temporary directory on a
/// free loopback port (no persistence), stopped and then killed by its PID when disposed — also when the run ends
/// abruptly — and its directory removed (<see cref="ScriptedServer"/>). Free of xunit (the fixture side is in RedisServer.Fixture.cs).
/// </summary>
public sealed partial class RedisServer : IAsyncDisposable
{
    readonly ScriptedServer _server = new("redis");

    /// <summary>The loopback port the server listens on.</summary>
    public int Port => _server.Port;

    /// <summary>A StackExchange.Redis connection string to it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public async ValueTask InitializeAsync() => await _server.StartAsync("redis.log");

    public async ValueTask DisposeAsync() => await _server.StopAsync();
}
