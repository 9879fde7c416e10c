namespace Atoll.Engine;

/// <summary>A request's results, already encoded as a UTF-8 JSON array of D1 result objects, plus totals for accounting.</summary>
/// <param name="Json">UTF-8 JSON: <c>[{"results":…,"success":true,"meta":{…}},…]</c>.</param>
/// <param name="Count">How many result objects the array holds.</param>
/// <param name="Totals">What the request did in all.</param>
public sealed record EncodedResult(byte[] Json, int Count, QueryTotals Totals)
{
    /// <summary>The commit this result reflects: the write's own commit, or the snapshot a read saw.</summary>
    public Bookmark Bookmark { get; init; }

    /// <summary>True when this is a write's kept answer, given again to a request sent again: nothing ran this time.</summary>
    public bool Replayed { get; init; }
}

/// <summary>What a request did in all: rows, changes, whether it wrote, and how long it took.</summary>
/// <param name="RowsRead">Rows read (see docs/architecture.md for how they are counted).</param>
/// <param name="RowsWritten">Rows written, including triggers and cascades.</param>
/// <param name="RowsReturned">Rows returned to the caller.</param>
/// <param name="ChangedDb">True when the request changed the database.</param>
/// <param name="SizeAfter">Database size in bytes after the request.</param>
/// <param name="DurationMs">Time spent executing SQL, in milliseconds.</param>
/// <param name="ReadOnly">True when the request ran on a reader connection.</param>
public sealed record QueryTotals(long RowsRead, long RowsWritten, long RowsReturned, bool ChangedDb, long SizeAfter, double DurationMs, bool ReadOnly);
