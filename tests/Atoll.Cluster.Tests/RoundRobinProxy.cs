using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Atoll.Cluster.Tests;

/// <summary>
/// A load balancer in miniature, on real Kestrel: each HTTP request (not each connection: clients keep connections alive)
/// goes to the next node in turn, with the client's <c>Host</c> kept, so the URLs a node builds point back at the proxy.
/// </summary>
internal sealed class RoundRobinProxy : IAsyncDisposable
{
    static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade" };

    readonly IReadOnlyList<ClusterNode> _nodes;
    readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromMinutes(5) };
    WebApplication _app = null!;
    int _next = -1;

    RoundRobinProxy(IReadOnlyList<ClusterNode> nodes) => _nodes = nodes;

    /// <summary>Where clients reach it.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request forwarded: the node that got it, the method and the path.</summary>
    public ConcurrentQueue<string> Forwarded { get; } = new();

    public static async Task<RoundRobinProxy> StartAsync(IReadOnlyList<ClusterNode> nodes)
    {
        var proxy = new RoundRobinProxy(nodes);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        proxy._app = builder.Build();
        proxy._app.Run(proxy.ForwardAsync);
        await proxy._app.StartAsync();
        proxy.BaseAddress = new Uri(proxy._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return proxy;
    }

    async Task ForwardAsync(HttpContext context)
    {
        var node = _nodes[(int)((uint)Interlocked.Increment(ref _next) % (uint)_nodes.Count)];
        var incoming = context.Request;
        Forwarded.Enqueue($"{node.Name} {incoming.Method} {incoming.Path}");
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method),
            new Uri(node.Client.BaseAddress!, incoming.PathBase + incoming.Path + incoming.QueryString));
        if (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0) request.Content = new StreamContent(incoming.Body);
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray())) request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            if (!HopByHop.Contains(name)) context.Response.Headers[name] = values.ToArray();
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }
}
