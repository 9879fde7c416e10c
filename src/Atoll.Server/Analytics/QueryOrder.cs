namespace Atoll.Server.Analytics;

/// <summary>A <c>d1QueriesAdaptiveGroups</c> <c>orderBy</c> term (<c>sum_queryDurationMs_DESC</c>, <c>avg_rowsRead_ASC</c>, <c>count_DESC</c>…) as SQL.</summary>
public sealed record QueryOrder(string Sql)
{
    /// <summary>Parses an orderBy term; null when it names no known field.</summary>
    public static QueryOrder? Parse(string term)
    {
        var parts = term.Split('_');
        if (parts.Length is < 2 or > 3) return null;
        var direction = parts[^1] switch { "ASC" => "ASC", "DESC" => "DESC", _ => null };
        if (direction is null) return null;
        if (parts.Length == 2) return parts[0] == "count" ? new QueryOrder($"n {direction}") : null;
        var column = parts[1] switch
        {
            "queryDurationMs" => "d",
            "rowsRead" => "rr",
            "rowsWritten" => "rw",
            "rowsReturned" => "rt",
            _ => null,
        };
        return (parts[0], column) switch
        {
            (_, null) => null,
            ("sum", _) => new QueryOrder($"{column} {direction}"),
            ("avg", _) => new QueryOrder($"{column} * 1.0 / n {direction}"),
            _ => null,
        };
    }
}
