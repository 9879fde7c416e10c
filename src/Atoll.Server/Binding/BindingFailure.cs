using System.Text.Json;
using Atoll.Server.Api;

namespace Atoll.Server.Binding;

/// <summary>
/// A failed binding call: one top-level <c>{"success":false,"error":"…"}</c>, which workerd's D1 shim throws as
/// <c>D1_ERROR: …</c>. Never an array: the shim checks only the first element of an array.
/// </summary>
/// <param name="Status">The HTTP status. The shim ignores it for <c>/query</c> and <c>/execute</c>; <c>dump()</c> reports it.</param>
/// <param name="Message">The error text, after <c>D1_ERROR: </c>.</param>
public sealed record BindingFailure(int Status, string Message) : IResult
{
    static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The binding's form of an API failure (authentication, size limits, unknown database).</summary>
    public static BindingFailure From(ApiException error) => new(error.Status, error.Message);

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(response.BodyWriter, Options))
        {
            json.WriteStartObject();
            json.WriteBoolean("success", false);
            json.WriteString("error", Message);
            json.WriteEndObject();
        }
        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
