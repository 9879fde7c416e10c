using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>
/// Readers from D1's cell encoding — integers and reals as JSON numbers (integers exact to 64 bits), text as strings, BLOBs as
/// arrays of byte values, NULL as null — to .NET types.
/// </summary>
internal static class CellReaders
{
    const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;

    /// <summary>The reader for <typeparamref name="TValue"/>, or null when it is not a type a single cell maps to.</summary>
    public static CellReader<TValue>? Create<TValue>()
    {
        var type = typeof(TValue);
        if (Nullable.GetUnderlyingType(type) is { } inner)
            return (CellReader<TValue>?)typeof(CellReaders).GetMethod(nameof(CreateNullable), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(inner).Invoke(null, null);
        if (type.IsEnum)
            return (CellReader<TValue>)typeof(CellReaders).GetMethod(nameof(CreateEnum), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type).Invoke(null, null)!;
        object? reader = type switch
        {
            _ when type == typeof(long) => new CellReader<long>(Integer),
            _ when type == typeof(int) => new CellReader<int>((ref r) => checked((int)Integer(ref r))),
            _ when type == typeof(short) => new CellReader<short>((ref r) => checked((short)Integer(ref r))),
            _ when type == typeof(byte) => new CellReader<byte>((ref r) => checked((byte)Integer(ref r))),
            _ when type == typeof(sbyte) => new CellReader<sbyte>((ref r) => checked((sbyte)Integer(ref r))),
            _ when type == typeof(ulong) => new CellReader<ulong>((ref r) => Number(ref r).TryGetUInt64(out var u) ? u : checked((ulong)Integer(ref r))),
            _ when type == typeof(uint) => new CellReader<uint>((ref r) => checked((uint)Integer(ref r))),
            _ when type == typeof(ushort) => new CellReader<ushort>((ref r) => checked((ushort)Integer(ref r))),
            _ when type == typeof(double) => new CellReader<double>((ref r) => Number(ref r).GetDouble()),
            _ when type == typeof(float) => new CellReader<float>((ref r) => Number(ref r).GetSingle()),
            _ when type == typeof(decimal) => new CellReader<decimal>((ref r) => Number(ref r).GetDecimal()),
            _ when type == typeof(bool) => new CellReader<bool>(ReadBoolean),
            _ when type == typeof(string) => new CellReader<string?>(ReadString),
            _ when type == typeof(byte[]) => new CellReader<byte[]?>(ReadBytes),
            _ when type == typeof(JsonElement) => new CellReader<JsonElement>((ref r) => JsonElement.ParseValue(ref r)),
            _ when type == typeof(object) => new CellReader<object?>(ReadObject),
            _ when type == typeof(DateTime) => new CellReader<DateTime>((ref r) => DateTime.Parse(Text(ref r), CultureInfo.InvariantCulture, Utc)),
            _ when type == typeof(DateTimeOffset) => new CellReader<DateTimeOffset>((ref r) => DateTimeOffset.Parse(Text(ref r), CultureInfo.InvariantCulture, Utc)),
            _ when type == typeof(DateOnly) => new CellReader<DateOnly>((ref r) => DateOnly.Parse(Text(ref r), CultureInfo.InvariantCulture)),
            _ when type == typeof(TimeOnly) => new CellReader<TimeOnly>((ref r) => TimeOnly.Parse(Text(ref r), CultureInfo.InvariantCulture)),
            _ when type == typeof(Guid) => new CellReader<Guid>((ref r) => Guid.Parse(Text(ref r))),
            _ => null,
        };
        return (CellReader<TValue>?)reader;
    }

    /// <summary>A cell as the untyped API returns it: <see cref="long"/>, <see cref="double"/>, <see cref="string"/>, <see cref="byte"/>[] or null.</summary>
    public static object? ReadObject(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => reader.TryGetInt64(out var l) && reader.ValueSpan.IndexOfAny(".eE"u8) < 0 ? (object)l : reader.GetDouble(),
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.StartArray => ReadBytes(ref reader),
        JsonTokenType.True => 1L,
        JsonTokenType.False => 0L,
        _ => throw new InvalidOperationException($"unexpected {reader.TokenType}"),
    };

    static CellReader<TInner?> CreateNullable<TInner>() where TInner : struct
    {
        var inner = Cell<TInner>.Read;
        if (inner is null) return null!;
        return (ref r) => r.TokenType == JsonTokenType.Null ? null : inner(ref r);
    }

    // Unknown text is a FormatException, as for every other reader, so the mapping names the column and the member.
    static CellReader<TEnum> CreateEnum<TEnum>() where TEnum : struct, Enum
        => (ref r) => r.TokenType == JsonTokenType.String
            ? Enum.TryParse<TEnum>(r.GetString()!, ignoreCase: true, out var value) ? value
                : throw new FormatException($"not a member of {typeof(TEnum).Name}")
            : (TEnum)Enum.ToObject(typeof(TEnum), Integer(ref r));

    /// <summary>An INTEGER, or a REAL holding a whole number (the SDK's transports write whole REALs as <c>2.0</c>).</summary>
    static long Integer(ref Utf8JsonReader reader)
    {
        if (Number(ref reader).TryGetInt64(out var value)) return value;
        var real = reader.GetDouble();
        if (real != Math.Floor(real) || real < long.MinValue || real >= 9223372036854775808.0)
            throw new FormatException("not a whole number in range");
        return (long)real;
    }

    static bool ReadBoolean(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => Number(ref reader).GetDouble() != 0, // D1 stores booleans as 1/0
    };

    static string? ReadString(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan), // SQLite is dynamically typed: a number keeps its exact text
        _ => throw new InvalidOperationException("not text"),
    };

    static byte[]? ReadBytes(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartArray) throw new InvalidOperationException("not a BLOB");
        var scratch = new List<byte>(16);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) scratch.Add(reader.GetByte());
        return [.. scratch];
    }

    static ref Utf8JsonReader Number(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number) throw new InvalidOperationException("not a number");
        return ref reader;
    }

    static string Text(ref Utf8JsonReader reader)
        => reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new InvalidOperationException("not text");
}
