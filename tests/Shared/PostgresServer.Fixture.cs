namespace Atoll.Tests;

/// <summary>A class fixture for xunit: <c>IClassFixture&lt;PostgresServer&gt;</c> starts one server per test class.</summary>
public sealed partial class PostgresServer : IAsyncLifetime;
