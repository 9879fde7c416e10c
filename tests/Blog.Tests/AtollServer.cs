extern alias AtollServer;

using System.Net.Http.Headers;
using System.Text.Json;
using AtollServer::Atoll.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(Blog.Tests.AtollServer))]

namespace Blog.Tests;

/// <summary>A real Atoll server on loopback for the blog's remote-mode tests, one for the run.</summary>
public sealed class AtollServer : IAsyncLifetime
{
    public const string Token = "blog-tests-admin-token-0123456789";
    readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "atoll-blog-server-" + Guid.NewGuid().ToString("N"));
    WebApplication? _app;

    public string Url { get; private set; } = "";

    public string AccountId { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _app = AtollApp.Build(["--urls", "http://127.0.0.1:0", "--data-dir", _dataDirectory, "--admin-token", Token]);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };
        using var accounts = JsonDocument.Parse(await http.GetStringAsync(Url + "/client/v4/accounts", TestContext.Current.CancellationToken));
        AccountId = accounts.RootElement.GetProperty("result")[0].GetProperty("id").GetString()!;
    }

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
