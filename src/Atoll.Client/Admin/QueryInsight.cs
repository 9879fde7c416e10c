namespace Atoll.Client.Admin;

/// <summary>One query shape's totals over a period, as <c>wrangler d1 insights</c> shows them.</summary>
/// <param name="Query">The SQL text.</param>
/// <param name="DatabaseId">The database's uuid.</param>
/// <param name="Count">How many times it ran.</param>
/// <param name="TotalDurationMs">Summed duration.</param>
/// <param name="AverageDurationMs">Mean duration.</param>
/// <param name="RowsRead">Summed rows read.</param>
/// <param name="RowsWritten">Summed rows written.</param>
/// <param name="RowsReturned">Summed rows returned.</param>
public sealed record QueryInsight(string Query, string DatabaseId, long Count, double TotalDurationMs, double AverageDurationMs,
    long RowsRead, long RowsWritten, long RowsReturned);
