namespace Atoll.Server.Analytics;

/// <summary>One query text of one database over a time window: D1's <c>d1QueriesAdaptiveGroups</c> row.</summary>
public sealed record QueryTotalsRow(string Query, string DatabaseId, long Count, double DurationMs, long RowsRead, long RowsWritten,
    long RowsReturned);
