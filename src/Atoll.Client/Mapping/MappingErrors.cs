using System.Text;
using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>The messages of row-mapping failures: each names the column, its value and the member it was meant for.</summary>
internal static class MappingErrors
{
    public static InvalidCastException Mismatch(string column, string member, ref Utf8JsonReader reader, Exception? inner = null)
        => new($"Cannot map column '{column}' ({Describe(ref reader)}) to {member}.", inner);

    public static InvalidCastException UnsupportedMember(string column, string member)
        => new($"Cannot map column '{column}' to {member}: columns map to numbers, text, byte[], bool, enums, dates, Guid, " +
            "JsonElement or object members.");

    public static InvalidCastException MissingArgument(Type type, string parameter, string[] columns)
        => new($"Cannot map a row to {type.Name}: its constructor parameter '{parameter}' matches no column " +
            $"(columns: {string.Join(", ", columns)}). Alias a column in the SQL, or give the parameter a default value.");

    public static InvalidCastException NoConstructor(Type type)
        => new($"Cannot map a row to {type.Name}: it needs a public parameterless constructor (properties are then set by column name) " +
            "or a public constructor whose parameters are named after the columns.");

    public static string Describe(Type type) => Nullable.GetUnderlyingType(type) is { } inner ? inner.Name + "?" : type.Name;

    static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => "NULL",
        JsonTokenType.Number => "the number " + Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.String => "the text \"" + Shorten(reader.GetString() ?? "") + "\"",
        JsonTokenType.StartArray => "a BLOB",
        _ => reader.TokenType.ToString(),
    };

    static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
