using System.Text.Json;
using System.Text.Json.Serialization;
using Atoll.Engine;

namespace Atoll.Server.Grains;

/// <summary>
/// <see cref="SqlValue"/> as JSON for grain calls that cross silos (engine types travel as JSON): <c>[kind, value]</c>,
/// integers as exact numbers, BLOBs as base64. Within one silo requests are passed without a copy and never come here.
/// </summary>
public sealed class SqlValueJsonConverter : JsonConverter<SqlValue>
{
    /// <inheritdoc/>
    public override SqlValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("A SqlValue is [kind, value].");
        reader.Read();
        var kind = (SqlValueKind)reader.GetInt32();
        reader.Read();
        var value = kind switch
        {
            SqlValueKind.Integer => SqlValue.FromInteger(reader.GetInt64()),
            SqlValueKind.Real => SqlValue.FromReal(reader.GetDouble()),
            SqlValueKind.Text => SqlValue.FromText(reader.GetString()!),
            SqlValueKind.Blob => SqlValue.FromBlob(reader.GetBytesFromBase64()),
            _ => SqlValue.Null,
        };
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndArray) throw new JsonException("A SqlValue is [kind, value].");
        return value;
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, SqlValue value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue((int)value.Kind);
        switch (value.Kind)
        {
            case SqlValueKind.Integer: writer.WriteNumberValue(value.Integer); break;
            case SqlValueKind.Real: writer.WriteNumberValue(value.Real); break;
            case SqlValueKind.Text: writer.WriteStringValue(value.Text); break;
            case SqlValueKind.Blob: writer.WriteBase64StringValue(value.Blob); break;
            default: writer.WriteNullValue(); break;
        }
        writer.WriteEndArray();
    }
}
