using System.Diagnostics;
using System.Text;

namespace Atoll.Cli.Hosting;

/// <summary>Writes each HTTP exchange to stderr for <c>--verbose</c>: request line, body, status, time and reply (bodies cut short; the token masked).</summary>
internal sealed class VerboseHandler(TextWriter log) : DelegatingHandler(new SocketsHttpHandler())
{
    const int ShownBody = 2000;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var line = new StringBuilder().Append("> ").Append(request.Method).Append(' ').Append(request.RequestUri).AppendLine();
        if (request.Headers.Authorization is { } auth) line.Append("> Authorization: ").Append(auth.Scheme).Append(" ***").AppendLine();
        if (request.Content is ByteArrayContent)
        {
            var text = await request.Content.ReadAsStringAsync(cancellationToken);
            line.Append("> ").Append(Cut(text)).AppendLine();
        }
        var clock = Stopwatch.StartNew();
        var response = await base.SendAsync(request, cancellationToken);
        line.Append("< ").Append((int)response.StatusCode).Append(' ').Append(response.ReasonPhrase).Append($" ({clock.Elapsed.TotalMilliseconds:0.#} ms)").AppendLine();
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            line.Append("< ").Append(Cut(await response.Content.ReadAsStringAsync(cancellationToken))).AppendLine();
        }
        lock (log) log.Write(line.ToString());
        return response;
    }

    static string Cut(string text) => text.Length <= ShownBody ? text : text[..ShownBody] + $"… ({text.Length} chars)";
}
