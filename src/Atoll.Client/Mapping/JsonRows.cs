using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Atoll.Client.Protocol;

namespace Atoll.Client.Mapping;

/// <summary>
/// Rows to JSON objects, as the binding's <c>all()</c> builds them (<c>Object.fromEntries</c>: a duplicate column name keeps the
/// last value). Cells are copied as raw JSON, so 64-bit integers stay exact; one document holds every row.
/// </summary>
internal static class JsonRows
{
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static JsonElement[] Build(StatementResult result, int maxRows)
    {
        var columns = result.Columns;
        var names = new JsonEncodedText[columns.Length];
        var keep = new bool[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            names[i] = JsonEncodedText.Encode(columns[i], Options.Encoder);
            keep[i] = Array.LastIndexOf(columns, columns[i]) == i;
        }
        var rows = result.Rows.Span;
        var buffer = new ArrayBufferWriter<byte>(rows.Length + (result.RowCount * columns.Length * 12) + 16);
        var count = 0;
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartArray();
            var reader = new Utf8JsonReader(rows);
            reader.Read();
            while (count < maxRows && reader.Read() && reader.TokenType == JsonTokenType.StartArray)
            {
                json.WriteStartObject();
                for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    if (i >= keep.Length || !keep[i]) continue;
                    json.WritePropertyName(names[i]);
                    json.WriteRawValue(rows[start..(int)reader.BytesConsumed], skipInputValidation: true);
                }
                json.WriteEndObject();
                count++;
            }
            json.WriteEndArray();
        }
        // The document is not disposed: the elements handed out live on it, and the GC reclaims it with them.
        var document = JsonDocument.Parse(buffer.WrittenMemory);
        var elements = new JsonElement[count];
        var index = 0;
        foreach (var element in document.RootElement.EnumerateArray()) elements[index++] = element;
        return elements;
    }
}
