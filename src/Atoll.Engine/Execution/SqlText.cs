namespace Atoll.Engine.Execution;

/// <summary>Small lexical checks on SQL text that SQLite's parser does not answer directly.</summary>
internal static class SqlText
{
    /// <summary>True when only whitespace, comments and semicolons remain: no further statement.</summary>
    public static bool IsBlank(ReadOnlySpan<byte> sql) => SkipTrivia(sql, skipSemicolons: true) == sql.Length;

    /// <summary>True when the first token of <paramref name="sql"/> is <paramref name="keyword"/> (ASCII, any case).</summary>
    public static bool StartsWithKeyword(ReadOnlySpan<byte> sql, ReadOnlySpan<byte> keyword)
    {
        var start = SkipTrivia(sql, skipSemicolons: true);
        var rest = sql[start..];
        if (rest.Length < keyword.Length) return false;
        for (var i = 0; i < keyword.Length; i++)
            if ((rest[i] | 0x20) != (keyword[i] | 0x20)) return false;
        return rest.Length == keyword.Length || !IsIdentifierByte(rest[keyword.Length]);
    }

    /// <summary>Index of the first byte that is not whitespace, a comment or (optionally) a semicolon.</summary>
    public static int SkipTrivia(ReadOnlySpan<byte> sql, bool skipSemicolons)
    {
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' || (skipSemicolons && c == (byte)';'))
            {
                i++;
            }
            else if (c == (byte)'-' && i + 1 < sql.Length && sql[i + 1] == (byte)'-')
            {
                var end = sql[i..].IndexOf((byte)'\n');
                i = end < 0 ? sql.Length : i + end + 1;
            }
            else if (c == (byte)'/' && i + 1 < sql.Length && sql[i + 1] == (byte)'*')
            {
                var end = sql[(i + 2)..].IndexOf("*/"u8);
                i = end < 0 ? sql.Length : i + 2 + end + 2;
            }
            else
            {
                break;
            }
        }
        return i;
    }

    /// <summary>
    /// True when <paramref name="sql"/> is, by its text alone, one SELECT or EXPLAIN and nothing after it. Errs towards
    /// false: a semicolon anywhere before the end (even inside a string) makes it false.
    /// </summary>
    public static bool IsSingleRead(string sql)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(sql).AsSpan();
        if (!StartsWithKeyword(bytes, "SELECT"u8) && !StartsWithKeyword(bytes, "EXPLAIN"u8)) return false;
        var start = SkipTrivia(bytes, skipSemicolons: true);
        var semicolon = bytes[start..].IndexOf((byte)';');
        return semicolon < 0 || IsBlank(bytes[(start + semicolon)..]);
    }

    static bool IsIdentifierByte(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z')
        or (>= (byte)'0' and <= (byte)'9') or (byte)'_' or >= 0x80;
}
