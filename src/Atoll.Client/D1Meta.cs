namespace Atoll.Client;

/// <summary>What one statement did, as D1 reports it in <c>meta</c>.</summary>
/// <seealso href="https://developers.cloudflare.com/d1/worker-api/return-object/"/>
public sealed record D1Meta
{
    /// <summary>Milliseconds spent executing the SQL (<c>duration</c>).</summary>
    public double Duration { get; init; }

    /// <summary>Rows changed by INSERT, UPDATE or DELETE (<c>changes</c>).</summary>
    public long Changes { get; init; }

    /// <summary>The rowid of the last row inserted (<c>last_row_id</c>).</summary>
    public long LastRowId { get; init; }

    /// <summary>True when the statement changed the database (<c>changed_db</c>).</summary>
    public bool ChangedDb { get; init; }

    /// <summary>The database's size in bytes after the statement (<c>size_after</c>).</summary>
    public long SizeAfter { get; init; }

    /// <summary>Rows read, as D1 bills them (<c>rows_read</c>).</summary>
    public long RowsRead { get; init; }

    /// <summary>Rows written, as D1 bills them (<c>rows_written</c>).</summary>
    public long RowsWritten { get; init; }

    /// <summary>The server that ran the statement (<c>served_by</c>).</summary>
    public string? ServedBy { get; init; }

    /// <summary>The region that ran the statement (<c>served_by_region</c>).</summary>
    public string? ServedByRegion { get; init; }

    /// <summary>True when the primary ran the statement (<c>served_by_primary</c>).</summary>
    public bool? ServedByPrimary { get; init; }

    /// <summary>SQL execution time in milliseconds (<c>timings.sql_duration_ms</c>).</summary>
    public double? SqlDurationMs { get; init; }

    /// <summary>How many times the request was sent, counting retries of read-only queries (<c>total_attempts</c>).</summary>
    public int TotalAttempts { get; init; } = 1;
}
