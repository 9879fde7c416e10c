using SQLitePCL;

namespace Atoll.Client.Protocol;

/// <summary>Light SQL text inspection the client needs without a database: blank texts, statement counts, read-only queries.</summary>
internal static class SqlText
{
    static SqlText() => Batteries_V2.Init();

    /// <summary>True when <paramref name="sql"/> holds only whitespace, comments and semicolons.</summary>
    public static bool IsBlank(ReadOnlySpan<char> sql) => SkipBlank(sql, 0) == sql.Length;

    /// <summary>
    /// How many statements <paramref name="sql"/> holds, split where SQLite's own <c>sqlite3_complete</c> says a statement ends
    /// (so semicolons in strings, comments and trigger bodies do not split), not counting empty ones.
    /// </summary>
    public static int CountStatements(string sql)
    {
        var count = 0;
        var start = 0;
        for (var i = sql.IndexOf(';'); i >= 0; i = sql.IndexOf(';', i + 1))
        {
            var candidate = sql.AsSpan(start, i + 1 - start);
            if (raw.sqlite3_complete(utf8z.FromString(candidate.ToString())) == 0) continue;
            if (!IsBlank(candidate)) count++;
            start = i + 1;
        }
        if (!IsBlank(sql.AsSpan(start))) count++;
        return count;
    }

    /// <summary>
    /// True when <paramref name="sql"/> is one statement that only reads (starts with SELECT, EXPLAIN, or WITH without a write),
    /// the queries D1 retries on transient failures. Errs on the side of "writes".
    /// </summary>
    public static bool IsReadOnlyQuery(string sql)
    {
        var span = sql.AsSpan();
        var start = SkipBlank(span, 0);
        var end = start;
        while (end < span.Length && char.IsAsciiLetter(span[end])) end++;
        var keyword = span[start..end];
        var reads = keyword.Equals("SELECT", StringComparison.OrdinalIgnoreCase) || keyword.Equals("EXPLAIN", StringComparison.OrdinalIgnoreCase)
            || (keyword.Equals("WITH", StringComparison.OrdinalIgnoreCase) && !MentionsWrite(span));
        if (!reads) return false;
        var semicolon = span.IndexOf(';');
        return semicolon < 0 || IsBlank(span[(semicolon + 1)..]);
    }

    static bool MentionsWrite(ReadOnlySpan<char> sql)
    {
        foreach (var word in (string[])["INSERT", "UPDATE", "DELETE", "REPLACE"])
            if (sql.Contains(word, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    static int SkipBlank(ReadOnlySpan<char> sql, int i)
    {
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c) || c == ';') i++;
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var newline = sql[i..].IndexOf('\n');
                i = newline < 0 ? sql.Length : i + newline + 1;
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var close = sql[(i + 2)..].IndexOf("*/");
                i = close < 0 ? sql.Length : i + 2 + close + 2;
            }
            else break;
        }
        return i;
    }
}
