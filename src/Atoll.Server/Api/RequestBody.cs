using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Atoll.Engine;
using Atoll.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Api;

/// <summary>
/// Reads request bodies whole, up to the configured limit, and parses management bodies as JSON objects. The one place a body's
/// framing or encoding problems become 400s: a malformed chunked body, invalid JSON, text that is not valid Unicode.
/// </summary>
public sealed class RequestBody(IOptions<AtollServerOptions> options)
{
    /// <summary>The body's bytes.</summary>
    /// <exception cref="ApiException">413 when the body is larger than <c>Atoll:MaxRequestBodyBytes</c>; 400 when its framing is
    /// malformed (a bad chunk size, a body shorter than its Content-Length).</exception>
    public async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit) throw TooLarge(limit);
        var reader = request.BodyReader;
        while (true)
        {
            var read = await ReadFramedAsync(reader, cancellationToken);
            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                throw TooLarge(limit);
            }
            if (read.IsCompleted)
            {
                var bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return bytes;
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    /// <summary>The body as a JSON object; an empty body is an empty object.</summary>
    /// <exception cref="ApiException">400 when the body is not a JSON object or holds text that is not valid Unicode; 413 when too large.</exception>
    public async Task<JsonBody> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await ReadAsync(request, cancellationToken);
        if (bytes.Length == 0) return new JsonBody(EmptyObject);
        try
        {
            CheckText(bytes);
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest("Request body must be a JSON object.");
            return new JsonBody(document.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest($"Malformed JSON in request body: {ex.Message}");
        }
    }

    /// <summary>How deep a management body may nest; none needs more than a few levels.</summary>
    const int MaxDepth = 32;

    static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    /// <summary>
    /// Decodes every string and property name once, so invalid UTF-8 or an unpaired surrogate escape (<c>"\ud800"</c>) is a 400 here
    /// rather than an exception wherever the field is later read.
    /// </summary>
    static void CheckText(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) continue;
            try
            {
                reader.GetString();
            }
            catch (InvalidOperationException)
            {
                throw ApiException.BadRequest(
                    $"Request body holds text that is not valid Unicode (invalid UTF-8 or an unpaired surrogate) at byte {reader.TokenStartIndex}.");
            }
        }
    }

    /// <summary>A read of the body; Kestrel reports malformed framing (e.g. a chunk size that overflows) as an IOException.</summary>
    static async ValueTask<ReadResult> ReadFramedAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken);
        }
        catch (IOException ex) when (ex is not BadHttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw Malformed(ex);
        }
    }

    /// <summary>The 400 for a body whose framing is malformed.</summary>
    public static ApiException Malformed(IOException error) => ApiException.BadRequest($"Malformed request body: {error.Message}");

    static ApiException TooLarge(long limit)
        => new(StatusCodes.Status413PayloadTooLarge, (int)D1ErrorCode.PayloadTooLarge, $"Request body is larger than the {limit}-byte limit.");
}
