using System.Globalization;
using Atoll.Engine;

namespace Atoll.Client.Protocol;

/// <summary>Turns a .NET value given to <c>Bind</c> into a SQL value, refusing (as D1 does, before any request) types that have no SQL form.</summary>
internal static class ParameterConverter
{
    /// <exception cref="D1Exception"><c>D1_TYPE_ERROR</c> naming the type and value.</exception>
    public static SqlValue ToSqlValue(object? value) => value switch
    {
        null or DBNull => SqlValue.Null,
        string s => SqlValue.FromText(s),
        long l => SqlValue.FromInteger(l),
        int i => SqlValue.FromInteger(i),
        bool b => SqlValue.FromInteger(b ? 1 : 0), // D1 binds booleans as 1/0
        double d => Real(d),
        float f => Real(f),
        byte[] bytes => SqlValue.FromBlob(bytes),
        short s => SqlValue.FromInteger(s),
        byte b => SqlValue.FromInteger(b),
        sbyte b => SqlValue.FromInteger(b),
        ushort s => SqlValue.FromInteger(s),
        uint u => SqlValue.FromInteger(u),
        ulong u when u <= long.MaxValue => SqlValue.FromInteger((long)u),
        char c => SqlValue.FromText(c.ToString()),
        Half h => Real((double)h),
        ReadOnlyMemory<byte> memory => SqlValue.FromBlob(memory.ToArray()),
        Memory<byte> memory => SqlValue.FromBlob(memory.ToArray()),
        ArraySegment<byte> segment => SqlValue.FromBlob(segment.AsSpan().ToArray()),
        Enum e => Convert.GetTypeCode(e) == TypeCode.UInt64
            ? ToSqlValue(Convert.ToUInt64(e, CultureInfo.InvariantCulture))
            : SqlValue.FromInteger(Convert.ToInt64(e, CultureInfo.InvariantCulture)),
        _ => throw Unsupported(value),
    };

    // JSON.stringify turns NaN and ±Infinity into null, so D1 stores NULL; the embedded transport does the same.
    static SqlValue Real(double value) => double.IsFinite(value) ? SqlValue.FromReal(value) : SqlValue.Null;

    static D1Exception Unsupported(object value)
    {
        var text = value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value.ToString();
        var type = value.GetType().Name;
        if (type.StartsWith('<')) type = "object"; // anonymous types: say what JavaScript says
        return new D1Exception(D1ErrorCodes.TypeError, $"Type '{type}' not supported for value '{text}'");
    }
}
