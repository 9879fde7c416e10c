namespace Atoll.Server.Tests;

/// <summary>One server shared by the tests of a collection; every test makes its own databases.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public AtollServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await AtollServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
