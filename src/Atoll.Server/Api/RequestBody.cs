using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Atoll.Engine;
using Atoll.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Api;

/// <summary>Reads request bodies whole, up to the configured limit, and parses management bodies as JSON objects.</summary>
public sealed class RequestBody(IOptions<AtollServerOptions> options)
{
    /// <summary>The body's bytes.</summary>
    /// <exception cref="ApiException">413 when the body is larger than <c>Atoll:MaxRequestBodyBytes</c>.</exception>
    public async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit) throw TooLarge(limit);
        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
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
    /// <exception cref="ApiException">400 when the body is not a JSON object; 413 when too large.</exception>
    public async Task<JsonElement> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await ReadAsync(request, cancellationToken);
        if (bytes.Length == 0) return JsonDocument.Parse("{}").RootElement;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest("Request body must be a JSON object.");
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest($"Malformed JSON in request body: {ex.Message}");
        }
    }

    static ApiException TooLarge(long limit)
        => new(StatusCodes.Status413PayloadTooLarge, (int)D1ErrorCode.PayloadTooLarge, $"Request body is larger than the {limit}-byte limit.");
}
