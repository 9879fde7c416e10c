using Atoll.Engine;

namespace Atoll.Server.Grains;

/// <summary>How an import ran: D1's <c>meta</c> figures on success, or the failing statement and error (nothing kept).</summary>
/// <param name="NumQueries">Statements run.</param>
/// <param name="Changes">Rows changed.</param>
/// <param name="LastRowId">Last inserted rowid.</param>
/// <param name="ChangedDb">True when the import changed the database.</param>
/// <param name="SizeAfter">Database size afterwards, in bytes.</param>
/// <param name="RowsRead">Rows read.</param>
/// <param name="RowsWritten">Rows written.</param>
/// <param name="DurationMs">Time spent, in milliseconds.</param>
/// <param name="Bookmark">The commit the import made, or the unchanged current one on failure.</param>
/// <param name="Error">D1's error text on failure; null on success.</param>
/// <param name="FailedStatement">1-based number of the failing statement.</param>
/// <param name="FailedSql">The start of the failing statement.</param>
[GenerateSerializer, Immutable, Alias("atoll.import-reply")]
public sealed record ImportReply(
    [property: Id(0)] long NumQueries,
    [property: Id(1)] long Changes,
    [property: Id(2)] long LastRowId,
    [property: Id(3)] bool ChangedDb,
    [property: Id(4)] long SizeAfter,
    [property: Id(5)] long RowsRead,
    [property: Id(6)] long RowsWritten,
    [property: Id(7)] double DurationMs,
    [property: Id(8)] string Bookmark,
    [property: Id(9)] string? Error,
    [property: Id(10)] long FailedStatement,
    [property: Id(11)] string? FailedSql)
{
    /// <summary>True when the whole file committed.</summary>
    public bool Success => Error is null;

    /// <summary>The reply for an engine result.</summary>
    public static ImportReply From(ImportResult result) => new(result.NumQueries, result.Changes, result.LastRowId,
        result.Totals.ChangedDb, result.Totals.SizeAfter, result.Totals.RowsRead, result.Totals.RowsWritten, result.Totals.DurationMs,
        result.Bookmark.ToString(), result.Error?.Message, result.FailedStatement, result.FailedSql);
}
