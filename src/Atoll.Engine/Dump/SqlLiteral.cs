using System.Globalization;

namespace Atoll.Engine.Dump;

/// <summary>Writes SQL literals as D1's dump writes them (D1's export runs JavaScript; these mirror its formatting).</summary>
internal static class SqlLiteral
{
    static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    public static void WriteInteger(DumpOutput output, long value)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    /// <summary>
    /// A REAL in JavaScript's number format (<c>1.5</c>, <c>1e+21</c>, <c>1e-7</c>), except that whole numbers keep
    /// a <c>.0</c> so they read back as REAL: D1 writes <c>1</c>, which an untyped column would read back as INTEGER.
    /// </summary>
    public static void WriteReal(DumpOutput output, double value)
    {
        if (double.IsInfinity(value))
        {
            output.Write(value > 0 ? "9.0e999"u8 : "-9.0e999"u8);
            return;
        }
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        text = text[..length];
        var negative = text[0] == '-';
        if (negative) text = text[1..];
        var exponentAt = text.IndexOf('E');
        var exponent = exponentAt < 0 ? 0 : int.Parse(text[(exponentAt + 1)..], CultureInfo.InvariantCulture);
        var mantissa = exponentAt < 0 ? text : text[..exponentAt];
        var point = mantissa.IndexOf('.');
        Span<char> digits = stackalloc char[32];
        var count = 0;
        foreach (var c in mantissa)
            if (c != '.') digits[count++] = c;
        var n = (point < 0 ? mantissa.Length : point) + exponent; // the value is 0.<digits> × 10^n
        var lead = 0;
        while (lead < count - 1 && digits[lead] == '0') { lead++; n--; }
        digits = digits[lead..count];
        var k = digits.Length;
        while (k > 1 && digits[k - 1] == '0') k--;
        digits = digits[..k];
        if (digits is ['0']) n = 1;

        var span = output.GetSpan(48);
        var i = 0;
        if (negative && !(digits is ['0'])) span[i++] = (byte)'-';
        if (k <= n && n <= 21)
        {
            foreach (var d in digits) span[i++] = (byte)d;
            for (var z = 0; z < n - k; z++) span[i++] = (byte)'0';
            span[i++] = (byte)'.';
            span[i++] = (byte)'0';
        }
        else if (0 < n && n <= 21)
        {
            for (var j = 0; j < k; j++)
            {
                if (j == n) span[i++] = (byte)'.';
                span[i++] = (byte)digits[j];
            }
        }
        else if (-6 < n && n <= 0)
        {
            span[i++] = (byte)'0';
            span[i++] = (byte)'.';
            for (var z = 0; z < -n; z++) span[i++] = (byte)'0';
            foreach (var d in digits) span[i++] = (byte)d;
        }
        else
        {
            span[i++] = (byte)digits[0];
            if (k > 1)
            {
                span[i++] = (byte)'.';
                for (var j = 1; j < k; j++) span[i++] = (byte)digits[j];
            }
            span[i++] = (byte)'e';
            var e = n - 1;
            span[i++] = e < 0 ? (byte)'-' : (byte)'+';
            Math.Abs(e).TryFormat(span[i..], out var w, default, CultureInfo.InvariantCulture);
            i += w;
        }
        output.Advance(i);
    }

    /// <summary>
    /// A string literal as D1 quotes it: <c>'</c> doubled, and line breaks written as <c>\n</c>/<c>\r</c> inside
    /// <c>replace('…','\n',char(10))</c>. When the text already holds a literal <c>\n</c> or <c>\r</c>, that form would
    /// change it on import, so line breaks are spliced in with <c>||char(10)||</c> instead.
    /// </summary>
    public static void WriteText(DumpOutput output, ReadOnlySpan<byte> text)
    {
        var lf = text.Contains((byte)'\n');
        var cr = text.Contains((byte)'\r');
        if ((lf || cr) && (text.IndexOf("\\n"u8) >= 0 || text.IndexOf("\\r"u8) >= 0))
        {
            WriteQuoted(output, text, "'||char(10)||'"u8, "'||char(13)||'"u8);
            return;
        }
        if (lf) output.Write("replace("u8);
        if (cr) output.Write("replace("u8);
        WriteQuoted(output, text, "\\n"u8, "\\r"u8);
        if (cr) output.Write(",'\\r',char(13))"u8);
        if (lf) output.Write(",'\\n',char(10))"u8);
    }

    /// <summary><c>'…'</c> with <c>'</c> doubled and line feeds and carriage returns written as given.</summary>
    static void WriteQuoted(DumpOutput output, ReadOnlySpan<byte> text, ReadOnlySpan<byte> lineFeed, ReadOnlySpan<byte> carriageReturn)
    {
        output.Write((byte)'\'');
        while (true)
        {
            var at = text.IndexOfAny((byte)'\'', (byte)'\n', (byte)'\r');
            if (at < 0) break;
            output.Write(text[..at]);
            output.Write(text[at] switch { (byte)'\'' => "''"u8, (byte)'\n' => lineFeed, _ => carriageReturn });
            text = text[(at + 1)..];
        }
        output.Write(text);
        output.Write((byte)'\'');
    }

    /// <summary>A BLOB as <c>X'0a1b…'</c>.</summary>
    public static void WriteBlob(DumpOutput output, ReadOnlySpan<byte> blob)
    {
        output.Write("X'"u8);
        while (blob.Length > 0)
        {
            var chunk = blob[..Math.Min(blob.Length, 16 * 1024)];
            var span = output.GetSpan(chunk.Length * 2);
            for (var i = 0; i < chunk.Length; i++)
            {
                span[2 * i] = Hex[chunk[i] >> 4];
                span[2 * i + 1] = Hex[chunk[i] & 0xF];
            }
            output.Advance(chunk.Length * 2);
            blob = blob[chunk.Length..];
        }
        output.Write((byte)'\'');
    }

    /// <summary>An identifier in double quotes, <c>"</c> doubled.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
