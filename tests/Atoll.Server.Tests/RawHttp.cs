using System.Net.Sockets;
using System.Text;

namespace Atoll.Server.Tests;

/// <summary>
/// HTTP/1.1 over a bare socket, for requests no HttpClient will send: malformed chunked framing, invalid UTF-8 bodies, broken
/// request lines. The reply is read until the server closes the connection (every request says <c>Connection: close</c>).
/// </summary>
public static class RawHttp
{
    /// <summary>A reply: the status (0 when none could be parsed), the headers' text and the de-chunked body.</summary>
    public sealed record Response(int Status, string Head, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }

    /// <summary>A POST of <paramref name="body"/> as raw bytes with a correct Content-Length.</summary>
    public static byte[] Post(string path, byte[] body, params string[] headers)
        => [.. Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
            + string.Concat(headers.Select(h => h + "\r\n")) + $"Content-Length: {body.Length}\r\n\r\n"), .. body];

    /// <summary>A chunked POST whose body is <paramref name="chunkedBody"/> exactly as written (framing included).</summary>
    public static byte[] Chunked(string path, string chunkedBody, params string[] headers)
        => Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
            + string.Concat(headers.Select(h => h + "\r\n")) + "Transfer-Encoding: chunked\r\n\r\n" + chunkedBody);

    /// <summary>Sends <paramref name="request"/> and reads the reply until the server closes; <paramref name="timeout"/> bounds the wait.</summary>
    public static async Task<Response> SendAsync(Uri server, byte[] request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, timer.Token);
        var stream = client.GetStream();
        try
        {
            // No half-close after writing: Kestrel takes a FIN as the client going away and aborts the request.
            await stream.WriteAsync(request, timer.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before reading everything (e.g. a 400 for the request line); read what it sent.
        }
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timer.Token)) > 0) received.Write(buffer, 0, read);
        }
        catch (IOException)
        {
            // A reset after the reply was sent.
        }
        return Parse(received.ToArray());
    }

    static Response Parse(byte[] raw)
    {
        var end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0) return new Response(0, Encoding.ASCII.GetString(raw), []);
        var head = Encoding.ASCII.GetString(raw, 0, end);
        var statusLine = head.Split("\r\n")[0].Split(' ');
        var status = statusLine.Length > 1 && int.TryParse(statusLine[1], out var s) ? s : 0;
        var body = raw.AsSpan(end + 4).ToArray();
        return new Response(status, head, head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(body) : body);
    }

    static byte[] Dechunk(byte[] body)
    {
        using var output = new MemoryStream();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0) break;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, position, lineEnd).Split(';')[0], 16);
            position += lineEnd + 2;
            if (size == 0 || position + size > body.Length) break;
            output.Write(body, position, size);
            position += size + 2;
        }
        return output.ToArray();
    }
}
