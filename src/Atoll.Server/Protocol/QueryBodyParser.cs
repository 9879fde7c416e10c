using System.Globalization;
using System.Text;
using System.Text.Json;
using Atoll.Engine;

namespace Atoll.Server.Protocol;

/// <summary>
/// Reads a D1 query body — <c>{"sql","params"}</c>, <c>{"batch":[…]}</c> (REST) or <c>[{…},…]</c> (binding) — into
/// statements, with a clear error for every malformed part.
/// </summary>
public static class QueryBodyParser
{
    /// <summary>Parses <paramref name="body"/>.</summary>
    /// <param name="body">The UTF-8 JSON request body.</param>
    /// <param name="numbers">How numeric parameters bind.</param>
    /// <param name="isBatch">True when the body was an array or a <c>batch</c> (the reply must then be an array).</param>
    /// <exception cref="D1Exception">The body is not a valid query (code 7400).</exception>
    public static IReadOnlyList<Statement> Parse(ReadOnlySpan<byte> body, NumberBinding numbers, out bool isBatch)
    {
        if (body.Trim(" \t\r\n"u8).IsEmpty) throw Bad("Request body is empty: expected a JSON object with \"sql\".");
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
        try
        {
            reader.Read();
            List<Statement> statements;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                isBatch = true;
                statements = ReadArray(ref reader, numbers);
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                statements = ReadTopObject(ref reader, numbers, out isBatch);
            }
            else
            {
                throw Bad("Request body must be a JSON object with \"sql\" (and optional \"params\"), or a \"batch\" of them.");
            }
            if (reader.Read()) throw Bad("Request body has data after the JSON value.");
            return statements;
        }
        catch (JsonException ex)
        {
            throw Bad($"Malformed JSON in request body: {ex.Message}");
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader decodes strings lazily: invalid UTF-8 or an unpaired surrogate escape fails in GetString.
            throw Bad("Request body holds text that is not valid Unicode (invalid UTF-8 or an unpaired surrogate).");
        }
    }

    static List<Statement> ReadArray(ref Utf8JsonReader reader, NumberBinding numbers)
    {
        var statements = new List<Statement>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw Bad($"Each batch entry must be an object with \"sql\"; entry {statements.Count} is not.");
            statements.Add(ReadStatement(ref reader, numbers, statements.Count));
        }
        return statements;
    }

    static List<Statement> ReadTopObject(ref Utf8JsonReader reader, NumberBinding numbers, out bool isBatch)
    {
        var (sql, parameters) = ReadFields(ref reader, numbers, index: null, out var batch);
        if (batch is not null)
        {
            if (sql is not null) throw Bad("Give either \"sql\" or \"batch\", not both.");
            isBatch = true;
            return batch;
        }
        isBatch = false;
        if (sql is null) throw Bad("Missing required field \"sql\" (or \"batch\").");
        return [new Statement(sql, parameters ?? [])];
    }

    static Statement ReadStatement(ref Utf8JsonReader reader, NumberBinding numbers, int index)
    {
        var (sql, parameters) = ReadFields(ref reader, numbers, index, out _);
        return new Statement(sql ?? throw Bad($"Batch entry {index} is missing required field \"sql\"."), parameters ?? []);
    }

    /// <summary>Reads one object's <c>sql</c> and <c>params</c>; <c>batch</c> only at the top level (<paramref name="index"/> null).</summary>
    static (string? Sql, IReadOnlyList<SqlValue>? Params) ReadFields(ref Utf8JsonReader reader, NumberBinding numbers, int? index,
        out List<Statement>? batch)
    {
        string? sql = null;
        IReadOnlyList<SqlValue>? parameters = null;
        batch = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "sql":
                    sql = ReadSql(ref reader, index);
                    break;
                case "params":
                    parameters = ReadParams(ref reader, numbers, index);
                    break;
                case "batch" when index is null:
                    if (reader.TokenType != JsonTokenType.StartArray) throw Bad("Field \"batch\" must be an array of {\"sql\", \"params\"} objects.");
                    batch = ReadArray(ref reader, numbers);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        return (sql, parameters);
    }

    static string ReadSql(ref Utf8JsonReader reader, int? index)
        => reader.TokenType == JsonTokenType.String ? reader.GetString()!
            : throw Bad($"Field \"sql\"{Where(index)} must be a string, not {Describe(reader.TokenType)}.");

    static IReadOnlyList<SqlValue> ReadParams(ref Utf8JsonReader reader, NumberBinding numbers, int? index)
    {
        if (reader.TokenType == JsonTokenType.Null) return [];
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Bad($"Field \"params\"{Where(index)} must be an array, not {Describe(reader.TokenType)}.");
        var values = new List<SqlValue>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(reader.TokenType switch
            {
                JsonTokenType.Null => SqlValue.Null,
                JsonTokenType.True => Number(1, numbers),
                JsonTokenType.False => Number(0, numbers),
                JsonTokenType.String => SqlValue.FromUtf8Text(reader.HasValueSequence || reader.ValueIsEscaped
                    ? Encoding.UTF8.GetBytes(reader.GetString()!) : ValidUtf8(reader.ValueSpan)),
                JsonTokenType.Number => ReadNumber(ref reader, numbers),
                JsonTokenType.StartArray => ReadBlob(ref reader),
                _ => throw TypeError(ref reader),
            });
        }
        return values;
    }

    /// <summary>Unescaped text goes to SQLite as is, so it is checked here: SQLite would store invalid UTF-8 and fail later.</summary>
    static byte[] ValidUtf8(ReadOnlySpan<byte> text)
        => System.Text.Unicode.Utf8.IsValid(text) ? text.ToArray()
            : throw Bad("Request body holds text that is not valid Unicode (invalid UTF-8 or an unpaired surrogate).");

    static SqlValue Number(long value, NumberBinding numbers)
        => numbers == NumberBinding.AsReal ? SqlValue.FromReal(value) : SqlValue.FromInteger(value);

    static SqlValue ReadNumber(ref Utf8JsonReader reader, NumberBinding numbers)
    {
        if (numbers == NumberBinding.Exact && reader.ValueSpan.IndexOfAny(".eE"u8) < 0 && reader.TryGetInt64(out var integer))
            return SqlValue.FromInteger(integer);
        return SqlValue.FromReal(reader.GetDouble());
    }

    /// <summary>An array of byte values is a BLOB, as the binding sends ArrayBuffers and typed arrays.</summary>
    static SqlValue ReadBlob(ref Utf8JsonReader reader)
    {
        var bytes = new List<byte>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var d) || d < 0 || d > 255 || d != Math.Floor(d))
                throw new D1Exception(D1ErrorCode.BadRequest,
                    "D1_TYPE_ERROR: Type 'object' not supported for value: an array parameter is a BLOB and may hold only byte values 0-255.");
            bytes.Add((byte)d);
        }
        return SqlValue.FromBlob([.. bytes]);
    }

    static D1Exception TypeError(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return new D1Exception(D1ErrorCode.BadRequest, "D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]'");
    }

    static string Where(int? index) => index is { } i ? string.Create(CultureInfo.InvariantCulture, $" of batch entry {i}") : "";

    static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Number => "a number",
        JsonTokenType.String => "a string",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    static D1Exception Bad(string message) => new(D1ErrorCode.BadRequest, message);
}
