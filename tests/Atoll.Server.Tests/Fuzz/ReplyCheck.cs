using System.Text;
using System.Text.Json;

namespace Atoll.Server.Tests.Fuzz;

/// <summary>What every reply must satisfy, whatever was sent: no 5xx, the route's JSON shape with <c>success</c> agreeing with the
/// status, and none of the other tenant's data unless the credentials may read it.</summary>
public static class ReplyCheck
{
    /// <summary>Null when the reply is acceptable; otherwise what is wrong with it.</summary>
    public static string? Problem(FuzzRequest request, int status, string? contentType, byte[] body, string secret)
    {
        // 505 is Kestrel's own answer to a request line naming an HTTP version it does not speak (HTTP/9.9), as HTTP prescribes.
        if (status == 505 && request.Shape == ReplyShape.Protocol && !HttpOneRequestLine(request.Raw!)) return null;
        if (status >= 500) return $"HTTP {status}: {Cut(body)}";
        if (!request.MayReadOther && body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0) return "the other tenant's secret appeared in the reply";
        if (request.Shape == ReplyShape.Protocol)
            // Kestrel itself rejects what is not HTTP (400/414/431/505, empty body); whatever reaches Atoll is an envelope.
            return status == 0 || body.Length == 0 ? null : JsonOrEmpty(body) is null ? $"HTTP {status} with a body that is not JSON: {Cut(body)}" : null;
        if (request.Method == "HEAD" || status == 204) return null;
        // Kestrel refuses a NUL in the decoded path itself, with an empty 400, before any of Atoll's code runs.
        if (status == 400 && body.Length == 0 && request.Path.Contains("%00", StringComparison.Ordinal)) return null;
        var isFile = request.Shape is ReplyShape.FileOrEnvelope or ReplyShape.FileOrBinding && status < 400;
        if (isFile) return null;
        if (contentType?.StartsWith("application/json", StringComparison.Ordinal) != true) return $"HTTP {status} with Content-Type {contentType}: {Cut(body)}";
        var json = JsonOrEmpty(body);
        if (json is not { } root) return $"HTTP {status} with a body that is not JSON: {Cut(body)}";
        return request.Shape switch
        {
            ReplyShape.Graphql => status >= 400 && !(root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
                ? $"HTTP {status} without GraphQL errors: {Cut(body)}" : null,
            ReplyShape.Json => null,
            ReplyShape.Binding when status < 400 && root.ValueKind == JsonValueKind.Array => null,
            _ => Success(root) is not { } success
                ? $"HTTP {status} without a boolean \"success\": {Cut(body)}"
                : success != status < 400 ? $"HTTP {status} with \"success\": {success}: {Cut(body)}"
                : success ? null
                // Without the database header a request is not a binding call: it gets the envelope like any unknown route.
                : request.Shape is ReplyShape.Binding or ReplyShape.FileOrBinding && HasBindingError(root) ? null
                : HasError(root) ? null : $"HTTP {status} without errors[0].code and message: {Cut(body)}",
        };
    }

    static bool? Success(JsonElement root)
        => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out var success)
            && success.ValueKind is JsonValueKind.True or JsonValueKind.False ? success.GetBoolean() : null;

    static bool HasError(JsonElement root)
        => root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
            && errors[0].TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number
            && errors[0].TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String;

    static bool HttpOneRequestLine(byte[] raw)
    {
        var end = raw.AsSpan().IndexOf("\r\n"u8);
        var line = end < 0 ? raw : raw[..end];
        return line.AsSpan().EndsWith(" HTTP/1.1"u8) || line.AsSpan().EndsWith(" HTTP/1.0"u8);
    }

    static bool HasBindingError(JsonElement root) => root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String;

    static JsonElement? JsonOrEmpty(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string Cut(byte[] body) => body.Length <= 400 ? Encoding.UTF8.GetString(body) : Encoding.UTF8.GetString(body, 0, 400) + "…";
}
