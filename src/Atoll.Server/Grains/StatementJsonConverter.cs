using System.Text.Json;
using System.Text.Json.Serialization;
using Atoll.Engine;

namespace Atoll.Server.Grains;

/// <summary>
/// <see cref="Statement"/> as JSON (<c>{"sql", "params"}</c>) for grain calls that cross silos: the record has two
/// constructors, so System.Text.Json cannot pick one by itself. Parameters go through <see cref="SqlValueJsonConverter"/>.
/// </summary>
public sealed class StatementJsonConverter : JsonConverter<Statement>
{
    /// <inheritdoc/>
    public override Statement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("A Statement is {\"sql\", \"params\"}.");
        string? sql = null;
        IReadOnlyList<SqlValue> parameters = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "sql") sql = reader.GetString();
            else if (name == "params") parameters = JsonSerializer.Deserialize<SqlValue[]>(ref reader, options) ?? [];
            else reader.Skip();
        }
        return new Statement(sql ?? throw new JsonException("A Statement needs \"sql\"."), parameters);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, Statement value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("sql", value.Sql);
        writer.WritePropertyName("params");
        JsonSerializer.Serialize(writer, value.Params, options);
        writer.WriteEndObject();
    }
}
