using System.Text;
using System.Text.Json;
using Atoll.Client.Protocol;

namespace Atoll.Client.Remote;

/// <summary>Reads Cloudflare v4 envelopes (<c>{"result":…,"success":…,"errors":[{"code","message"}],…}</c>), turning failures and garbage into <see cref="D1Exception"/>.</summary>
internal static class Envelope
{
    const int ShownBodyLength = 200;

    /// <summary>The <c>result</c> array of a query's envelope, read straight into statement results.</summary>
    /// <exception cref="D1Exception">The envelope reports a failure, or the body is not an envelope.</exception>
    public static List<StatementResult> ReadResults(RemoteResponse response, string source)
    {
        List<StatementResult>? results = null;
        bool? success = null;
        (int? Code, string? Message) error = default;
        try
        {
            var body = response.Body.AsMemory();
            var reader = new Utf8JsonReader(body.Span);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw Garbage(response, source);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader;
                reader.Read();
                if (name.ValueTextEquals("result"u8) && reader.TokenType == JsonTokenType.StartArray) results = ResultReader.ReadArray(body, ref reader);
                else if (name.ValueTextEquals("success"u8) && reader.TokenType is JsonTokenType.True or JsonTokenType.False) success = reader.GetBoolean();
                else if (name.ValueTextEquals("errors"u8) && reader.TokenType == JsonTokenType.StartArray) error = ReadFirstError(ref reader);
                else reader.Skip();
            }
        }
        catch (JsonException)
        {
            throw Garbage(response, source);
        }
        if (success is null) throw Garbage(response, source);
        if (success == false || results is null) throw Failure(response, error);
        return results;
    }

    /// <summary>The <c>result</c> of a management envelope.</summary>
    /// <exception cref="D1Exception">The envelope reports a failure, or the body is not an envelope.</exception>
    public static JsonElement ReadResult(RemoteResponse response, string source)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Garbage(response, source);
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("success", out var success)
            || success.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw Garbage(response, source);
        if (!success.GetBoolean())
        {
            (int?, string?) error = default;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                var first = errors[0];
                error = (first.TryGetProperty("code", out var c) && c.TryGetInt32(out var code) ? code : null,
                    first.TryGetProperty("message", out var m) ? m.GetString() : null);
            }
            throw Failure(response, error);
        }
        return root.TryGetProperty("result", out var result) ? result : default;
    }

    /// <summary>The first error's message in a failure envelope, if the body is one.</summary>
    public static (int? Code, string? Message) TryReadError(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isErrors = reader.ValueTextEquals("errors"u8);
                reader.Read();
                if (isErrors && reader.TokenType == JsonTokenType.StartArray) return ReadFirstError(ref reader);
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return default;
    }

    static (int? Code, string? Message) ReadFirstError(ref Utf8JsonReader reader)
    {
        (int? Code, string? Message) first = default;
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (index++ > 0 || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader;
                reader.Read();
                if (name.ValueTextEquals("code"u8) && reader.TokenType == JsonTokenType.Number) first.Code = reader.GetInt32();
                else if (name.ValueTextEquals("message"u8) && reader.TokenType == JsonTokenType.String) first.Message = reader.GetString();
                else reader.Skip();
            }
        }
        return first;
    }

    static D1Exception Failure(RemoteResponse response, (int? Code, string? Message) error)
        => new(D1ErrorCodes.Error, error.Message ?? $"the server answered HTTP {response.Status} without an error message", error.Code,
            isTransient: error.Code == 7429);

    /// <summary>The binding's wording for a body it cannot parse, plus where it came from.</summary>
    public static D1Exception Garbage(RemoteResponse response, string source)
    {
        var text = Encoding.UTF8.GetString(response.Body.AsSpan(0, Math.Min(response.Body.Length, ShownBodyLength * 4)));
        if (text.Length > ShownBodyLength) text = text[..ShownBodyLength] + "…";
        return new D1Exception(D1ErrorCodes.Error, $"Failed to parse body as JSON, got: {text} (HTTP {response.Status} from {source})");
    }
}
