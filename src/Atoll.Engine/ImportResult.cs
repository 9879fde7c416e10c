namespace Atoll.Engine;

/// <summary>The outcome of running a SQL script as one transaction: its totals, or the statement that failed.</summary>
/// <param name="NumQueries">Statements run (on failure: those that ran before the failing one, all rolled back).</param>
/// <param name="Changes">Rows changed in all.</param>
/// <param name="LastRowId">The last inserted rowid.</param>
/// <param name="Totals">Rows read and written, size and duration.</param>
public sealed record ImportResult(long NumQueries, long Changes, long LastRowId, QueryTotals Totals)
{
    /// <summary>The commit the import made (on failure: the unchanged current one).</summary>
    public Bookmark Bookmark { get; init; }

    /// <summary>Why the import failed and was rolled back; null on success.</summary>
    public D1Exception? Error { get; init; }

    /// <summary>1-based number of the statement that failed; 0 on success.</summary>
    public long FailedStatement { get; init; }

    /// <summary>The start of the statement that failed (at most 200 characters); null on success.</summary>
    public string? FailedSql { get; init; }

    /// <summary>True when every statement ran and the transaction committed.</summary>
    public bool Success => Error is null;
}
