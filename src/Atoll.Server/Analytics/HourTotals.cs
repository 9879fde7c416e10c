namespace Atoll.Server.Analytics;

/// <summary>One hour of one or more databases: D1's <c>d1AnalyticsAdaptiveGroups</c> sums.</summary>
public sealed record HourTotals(DateTimeOffset Hour, long ReadQueries, long WriteQueries, long RowsRead, long RowsWritten);
