using System.Text.Json;

namespace Atoll.Server.Api;

/// <summary>
/// A management request's JSON object, read through typed accessors: a field of the wrong type is a 400 naming the field and
/// what it must be, never an exception from deep inside System.Text.Json. Every string in it is valid Unicode
/// (<see cref="RequestBody.ReadObjectAsync"/> checks that before handing it out).
/// </summary>
public readonly struct JsonBody
{
    readonly JsonElement _element;
    readonly string _path;

    internal JsonBody(JsonElement element, string path = "")
    {
        _element = element;
        _path = path;
    }

    /// <summary>True when the field is present and not null.</summary>
    public bool Has(string name) => _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>The string field, or null when absent or null.</summary>
    /// <exception cref="ApiException">400 when it is not a string.</exception>
    public string? OptionalString(string name)
    {
        if (!TryGet(name, out var value)) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw WrongType(name, "a string", value);
    }

    /// <summary>The string field.</summary>
    /// <exception cref="ApiException">400 when it is missing or not a string; <paramref name="what"/> says what it is for.</exception>
    public string RequiredString(string name, string what)
        => OptionalString(name) ?? throw ApiException.BadRequest($"Missing required field \"{Path(name)}\" ({what}).");

    /// <summary>The string field, lower-cased, or null; it must be one of <paramref name="allowed"/>.</summary>
    /// <exception cref="ApiException">400 when it is not a string or not allowed.</exception>
    public string? OptionalEnum(string name, IReadOnlyCollection<string> allowed)
    {
        var value = OptionalString(name)?.ToLowerInvariant();
        return value is null || allowed.Contains(value) ? value
            : throw ApiException.BadRequest($"Field \"{Path(name)}\" must be one of: {string.Join(", ", allowed)}.");
    }

    /// <summary>The boolean field; false when absent or null.</summary>
    /// <exception cref="ApiException">400 when it is not a boolean.</exception>
    public bool OptionalBool(string name)
    {
        if (!TryGet(name, out var value)) return false;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(name, "a boolean", value),
        };
    }

    /// <summary>The object field, or null when absent or null.</summary>
    /// <exception cref="ApiException">400 when it is not an object.</exception>
    public JsonBody? OptionalObject(string name)
    {
        if (!TryGet(name, out var value)) return null;
        return value.ValueKind == JsonValueKind.Object ? new JsonBody(value, Path(name) + ".") : throw WrongType(name, "an object", value);
    }

    /// <summary>The array-of-strings field, or null when absent or null.</summary>
    /// <exception cref="ApiException">400 when it is not an array of strings.</exception>
    public IReadOnlyList<string>? OptionalStrings(string name)
    {
        if (!TryGet(name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) throw WrongType(name, "an array of strings", value);
        var strings = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
            strings.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw WrongType(name, "an array of strings", value));
        return strings;
    }

    /// <summary>The raw element, for bodies with a free-form part (GraphQL variables).</summary>
    public JsonElement Element => _element;

    bool TryGet(string name, out JsonElement value)
        => _element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    string Path(string name) => _path + name;

    ApiException WrongType(string name, string expected, JsonElement actual)
        => ApiException.BadRequest($"Field \"{Path(name)}\" must be {expected}, not {Describe(actual.ValueKind)}.");

    /// <summary>The kind of a JSON value in words.</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
