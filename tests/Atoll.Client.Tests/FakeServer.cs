using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Atoll.Client.Tests;

/// <summary>A real HTTP server on loopback that answers as a test tells it: for failures a real Atoll server does not produce on demand.</summary>
internal sealed class FakeServer : IAsyncDisposable
{
    readonly WebApplication _app;
    int _requests;

    FakeServer(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Requests received so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Starts a server whose <paramref name="answer"/> gets the 1-based request number.</summary>
    public static async Task<FakeServer> StartAsync(Func<HttpContext, int, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeServer(app);
        app.Run(context => answer(context, Interlocked.Increment(ref server._requests)));
        await app.StartAsync(TestContext.Current.CancellationToken);
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public const string OneRowEnvelope = """
        {"result":[{"results":{"columns":["one"],"rows":[[1]]},"success":true,"meta":{"duration":0.1}}],"success":true,"errors":[],"messages":[]}
        """;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
