using Atoll.Client;
using Atoll.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(Atoll.Cli.Tests.CliServer))]

namespace Atoll.Cli.Tests;

/// <summary>One real Atoll server (Kestrel on loopback, Orleans, a temp data directory) that every CLI test talks to.</summary>
public sealed class CliServer : IAsyncLifetime
{
    public const string AdminToken = "cli-tests-admin-token-0123456789";

    /// <summary>The node's name and region, so that <c>atoll cluster nodes</c> has something other than defaults to show.</summary>
    public const string NodeName = "cli-node", Region = "WEUR";
    readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "atoll-cli-server-" + Guid.NewGuid().ToString("N"));
    WebApplication? _app;

    public string Url { get; private set; } = "";

    public string AccountId { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _app = AtollApp.Build(["--urls", "http://127.0.0.1:0", "--data-dir", _dataDirectory, "--admin-token", AdminToken,
            "--Atoll:Node=" + NodeName, "--Atoll:Region=" + Region]);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var server = D1Client.OpenServer(new AtollAdminOptions { Mode = AtollMode.Remote, Url = Url, ApiToken = AdminToken });
        AccountId = (await server.ListAccountsAsync(TestContext.Current.CancellationToken))[0].Id;
    }

    /// <summary>The client library's API on this server with the admin token, for arranging what a test needs.</summary>
    public Atoll.Client.Admin.AtollServerApi Api()
        => D1Client.OpenServer(new AtollAdminOptions { Mode = AtollMode.Remote, Url = Url, ApiToken = AdminToken, AccountId = AccountId });

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }
}
