using System.Buffers;
using System.Text.Json;

namespace Atoll.Engine.Execution;

/// <summary>
/// Writes SQLite text as a JSON string the way <c>JSON.stringify</c> does: every character as UTF-8, escaping only
/// quotes, backslashes and control characters (the stock encoders also escape emoji and other non-BMP text).
/// </summary>
internal static class JsonText
{
    static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    public static void Write(Utf8JsonWriter json, ReadOnlySpan<byte> utf8)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            json.WriteStringValue(System.Text.Encoding.UTF8.GetString(utf8)); // invalid bytes become U+FFFD
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent(utf8.Length * 6 + 2);
        try
        {
            var length = 0;
            rented[length++] = (byte)'"';
            foreach (var b in utf8)
            {
                if (b >= 0x20 && b != (byte)'"' && b != (byte)'\\')
                {
                    rented[length++] = b;
                    continue;
                }
                rented[length++] = (byte)'\\';
                switch (b)
                {
                    case (byte)'"' or (byte)'\\': rented[length++] = b; break;
                    case (byte)'\n': rented[length++] = (byte)'n'; break;
                    case (byte)'\r': rented[length++] = (byte)'r'; break;
                    case (byte)'\t': rented[length++] = (byte)'t'; break;
                    case (byte)'\b': rented[length++] = (byte)'b'; break;
                    case (byte)'\f': rented[length++] = (byte)'f'; break;
                    default:
                        rented[length++] = (byte)'u';
                        rented[length++] = (byte)'0';
                        rented[length++] = (byte)'0';
                        rented[length++] = Hex[b >> 4];
                        rented[length++] = Hex[b & 0xF];
                        break;
                }
            }
            rented[length++] = (byte)'"';
            json.WriteRawValue(rented.AsSpan(0, length), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
