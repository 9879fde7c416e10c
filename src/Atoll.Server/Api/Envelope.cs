using System.Text.Json;
using Atoll.Engine;

namespace Atoll.Server.Api;

/// <summary>Writes Cloudflare's v4 envelope — <c>{"result":…,"success":…,"errors":[…],"messages":[…]}</c> — straight to the response.</summary>
public static class Envelope
{
    static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A success envelope whose <c>result</c> is written by <paramref name="writeResult"/>.</summary>
    public static IResult Ok(Action<Utf8JsonWriter> writeResult, int status = StatusCodes.Status200OK,
        Action<Utf8JsonWriter>? writeResultInfo = null, IReadOnlyList<(int Code, string Message)>? messages = null)
        => new EnvelopeResult(status, writeResult, writeResultInfo, null, messages);

    /// <summary>A success envelope whose <c>result</c> is already-encoded JSON (one copy, no re-serialising).</summary>
    public static IResult Ok(byte[] resultJson) => new EnvelopeResult(StatusCodes.Status200OK, w => w.WriteRawValue(resultJson, skipInputValidation: true), null, null, null);

    /// <summary>A failure envelope.</summary>
    public static IResult Error(int status, int code, string message) => new EnvelopeResult(status, null, null, (code, message), null);

    /// <summary>404 for a path no route serves (D1's 7003).</summary>
    public static IResult NoRoute() => Error(StatusCodes.Status404NotFound, (int)D1ErrorCode.NoRoute, "No route for the URI");

    /// <summary>Writes a failure envelope for <paramref name="error"/>.</summary>
    public static Task WriteErrorAsync(HttpContext context, ApiException error)
        => Error(error.Status, error.Code, error.Message).ExecuteAsync(context);

    sealed class EnvelopeResult(int status, Action<Utf8JsonWriter>? writeResult, Action<Utf8JsonWriter>? writeResultInfo,
        (int Code, string Message)? error, IReadOnlyList<(int Code, string Message)>? messages) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            response.StatusCode = status;
            response.ContentType = "application/json";
            // The SDK retries 5xx unless told not to; a failed query must not run twice.
            if (status >= 500) response.Headers["x-should-retry"] = "false";
            await using (var json = new Utf8JsonWriter(response.BodyWriter, Options))
            {
                json.WriteStartObject();
                json.WritePropertyName("result");
                if (writeResult is null) json.WriteNullValue();
                else writeResult(json);
                if (writeResultInfo is not null)
                {
                    json.WritePropertyName("result_info");
                    writeResultInfo(json);
                }
                json.WriteBoolean("success", error is null);
                json.WriteStartArray("errors");
                if (error is { } e) WriteMessage(json, e.Code, e.Message);
                json.WriteEndArray();
                json.WriteStartArray("messages");
                foreach (var (code, message) in messages ?? []) WriteMessage(json, code, message);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            await response.BodyWriter.FlushAsync(context.RequestAborted);
        }

        static void WriteMessage(Utf8JsonWriter json, int code, string message)
        {
            json.WriteStartObject();
            json.WriteNumber("code", code);
            json.WriteString("message", message);
            json.WriteEndObject();
        }
    }

    /// <summary>The envelope for an engine failure.</summary>
    public static IResult From(D1Exception error) => Error(ApiException.StatusOf(error.Code), (int)error.Code, error.Message);
}
