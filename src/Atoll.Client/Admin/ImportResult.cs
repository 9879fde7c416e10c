namespace Atoll.Client.Admin;

/// <summary>A finished import: the SQL file ran as one transaction.</summary>
/// <param name="NumQueries">How many statements ran.</param>
/// <param name="FinalBookmark">The bookmark after the import.</param>
/// <param name="RowsRead">Rows read by the statements.</param>
/// <param name="RowsWritten">Rows written by the statements.</param>
/// <param name="DurationMs">Time the statements took on the server.</param>
public sealed record ImportResult(long NumQueries, string FinalBookmark, long RowsRead, long RowsWritten, double DurationMs);
