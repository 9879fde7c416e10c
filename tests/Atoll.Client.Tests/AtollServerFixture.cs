using System.Net.Http.Headers;
using System.Text.Json;
using Atoll.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(Atoll.Client.Tests.AtollServerFixture))]

namespace Atoll.Client.Tests;

/// <summary>One real Atoll server (Kestrel on loopback, Orleans, a temp data directory) for the whole test run.</summary>
public sealed class AtollServerFixture : IAsyncLifetime
{
    public const string AdminToken = "client-tests-admin-token-0123456789";
    readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "atoll-client-server-" + Guid.NewGuid().ToString("N"));
    WebApplication? _app;

    public string Url { get; private set; } = "";

    public string AccountId { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _app = AtollApp.Build(["--urls", "http://127.0.0.1:0", "--data-dir", _dataDirectory, "--admin-token", AdminToken]);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Url + "/client/v4/accounts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        AccountId = body.RootElement.GetProperty("result")[0].GetProperty("id").GetString()!;
    }

    public AtollAdminOptions AdminOptions() => new() { Mode = AtollMode.Remote, Url = Url, ApiToken = AdminToken, AccountId = AccountId };

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
