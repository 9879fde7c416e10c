using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Atoll.Engine;

namespace Atoll.Client.Remote;

/// <summary>Writes the REST query body: <c>{"sql","params"}</c> for one statement, <c>{"batch":[…]}</c> for several.</summary>
internal static class QueryBody
{
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static byte[] Write(IReadOnlyList<Statement> statements, bool isBatch)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            if (isBatch)
            {
                json.WriteStartObject();
                json.WriteStartArray("batch"u8);
                foreach (var statement in statements) WriteStatement(json, statement);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            else
            {
                WriteStatement(json, statements[0]);
            }
        }
        return buffer.WrittenSpan.ToArray();
    }

    static void WriteStatement(Utf8JsonWriter json, Statement statement)
    {
        json.WriteStartObject();
        json.WriteString("sql"u8, statement.Sql);
        json.WriteStartArray("params"u8);
        foreach (var value in statement.Params) WriteValue(json, value);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    static void WriteValue(Utf8JsonWriter json, SqlValue value)
    {
        switch (value.Kind)
        {
            case SqlValueKind.Integer:
                json.WriteNumberValue(value.Integer);
                break;
            case SqlValueKind.Real:
                WriteReal(json, value.Real);
                break;
            case SqlValueKind.Text:
                json.WriteStringValue(value.Text);
                break;
            case SqlValueKind.Blob:
                json.WriteStartArray(); // the server binds an array of byte values as a BLOB
                foreach (var b in value.Blob) json.WriteNumberValue(b);
                json.WriteEndArray();
                break;
            default:
                json.WriteNullValue();
                break;
        }
    }

    /// <summary>A real always carries a '.' or exponent: the server binds a bare "1" as an INTEGER, and the embedded engine would bind 1.0 as a REAL.</summary>
    static void WriteReal(Utf8JsonWriter json, double value)
    {
        Span<byte> text = stackalloc byte[40];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        if (text[..length].IndexOfAny(".eE"u8) < 0)
        {
            text[length++] = (byte)'.';
            text[length++] = (byte)'0';
        }
        json.WriteRawValue(text[..length], skipInputValidation: true);
    }
}
