using System.Collections.Concurrent;
using System.Text;

namespace Atoll.Server.Analytics;

/// <summary>
/// The text a query is grouped under in insights: its SQL with runs of whitespace folded to one space and the
/// trailing semicolon dropped, at most <see cref="MaxLength"/> characters. Bound values are never part of it.
/// </summary>
/// <remarks>Thread-safe. Applications send the same few SQL strings over and over, so results are cached.</remarks>
internal static class QueryText
{
    public const int MaxLength = 2000;
    const int CacheLimit = 10_000;

    static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    public static string Normalize(string sql)
    {
        if (Cache.TryGetValue(sql, out var cached)) return cached;
        var text = Fold(sql);
        if (Cache.Count >= CacheLimit) Cache.Clear();
        Cache[sql] = text;
        return text;
    }

    static string Fold(string sql)
    {
        var builder = new StringBuilder(Math.Min(sql.Length, MaxLength));
        var space = false;
        foreach (var c in sql.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space && builder.Length > 0) builder.Append(' ');
            space = false;
            builder.Append(c);
            if (builder.Length >= MaxLength) break;
        }
        while (builder.Length > 0 && (builder[^1] == ';' || builder[^1] == ' ')) builder.Length--;
        return builder.ToString();
    }
}
