namespace Atoll.Tests;

/// <summary>A class fixture for xunit: <c>IClassFixture&lt;RedisServer&gt;</c> starts one server per test class.</summary>
public sealed partial class RedisServer : IAsyncLifetime;
