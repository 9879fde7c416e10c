namespace Atoll.Engine;

/// <summary>Limits and durability settings for every database the engine opens; defaults are D1's.</summary>
/// <seealso href="https://developers.cloudflare.com/d1/platform/limits/"/>
public sealed class EngineOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Atoll:Engine";

    /// <summary>Longest SQL text accepted, in bytes (D1: 100,000).</summary>
    public int MaxSqlLength { get; set; } = 100_000;

    /// <summary>Most bound parameters in one statement (D1: 100).</summary>
    public int MaxBoundParameters { get; set; } = 100;

    /// <summary>Most columns in a table, index or result (D1: 100).</summary>
    public int MaxColumns { get; set; } = 100;

    /// <summary>Largest string, BLOB or row, in bytes (D1: 2,000,000).</summary>
    public int MaxValueLength { get; set; } = 2_000_000;

    /// <summary>Longest time one request may run before it is interrupted (D1: 30 s).</summary>
    public TimeSpan MaxRequestDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest database file; a write past it fails and is rolled back (D1: 10 GB).</summary>
    public long MaxDatabaseSizeBytes { get; set; } = 10_000_000_000;

    /// <summary>
    /// Largest encoded result of one request, in bytes; a query whose rows pass it fails with <c>SQLITE_NOMEM</c> and is rolled
    /// back (Atoll's: D1 documents none, its Workers have 128 MB). SQLite's own memory per connection is bounded by its page
    /// cache (2 MB), with sorts and temporary tables spilling to disk, and each value by <see cref="MaxValueLength"/>: the rows
    /// sent back are what a single query could otherwise grow without bound.
    /// </summary>
    public long MaxResultBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// A ceiling on all of SQLite's memory in the process, in bytes (<c>sqlite3_hard_heap_limit64</c>); 0 (the default) sets none.
    /// Process-wide, not per database: when reached, whichever query allocates next fails with <c>out of memory: SQLITE_NOMEM</c>,
    /// and the process stays up instead of being killed for memory. The last database opened with a non-zero value sets it.
    /// </summary>
    public long SqliteHeapLimitBytes { get; set; }

    /// <summary>Reader connections per open database; reads run on them in parallel with the writer.</summary>
    public int ReaderCount { get; set; } = 4;

    /// <summary>Prepared statements kept per connection, so repeated SQL skips the parser.</summary>
    public int StatementCacheSize { get; set; } = 64;

    /// <summary>
    /// Whether SQLite fsyncs the WAL at every commit (<c>synchronous=FULL</c>). Unset (the default): only when the database
    /// keeps no change log — with one, the log entry, synced before the write is acknowledged, is the durable record, so
    /// SQLite runs at <c>synchronous=NORMAL</c> and a file that comes back behind its log after a power loss is rebuilt from it.
    /// </summary>
    public bool? SyncEveryCommit { get; set; }

    /// <summary>The value reported as <c>meta.served_by</c>.</summary>
    public string ServedBy { get; set; } = "atoll";

    /// <summary>The value reported as <c>meta.served_by_region</c>.</summary>
    public string Region { get; set; } = "local";

    /// <summary>The value reported as <c>meta.served_by_colo</c>: the node that ran the query (the server sets it from <c>Atoll:Node</c>).</summary>
    public string Colo { get; set; } = "local";

    /// <summary>False for a read replica's connections, so each answer reports <c>served_by_primary</c> truthfully.</summary>
    internal bool ServesAsPrimary { get; private set; } = true;

    /// <summary>These limits for a read replica in <paramref name="region"/>: answers say which region served them and that a replica did.</summary>
    internal EngineOptions ForReplica(string region)
    {
        var copy = (EngineOptions)MemberwiseClone();
        copy.Region = region;
        copy.ServesAsPrimary = false;
        return copy;
    }

    /// <summary>Throws when a limit is out of range, naming it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero, negative or above what SQLite supports.</exception>
    public void Validate()
    {
        Check(MaxSqlLength is > 0 and <= 1_000_000_000, nameof(MaxSqlLength));
        Check(MaxBoundParameters is > 0 and <= 32766, nameof(MaxBoundParameters));
        Check(MaxColumns is > 0 and <= 32767, nameof(MaxColumns));
        Check(MaxValueLength is > 0 and <= 1_000_000_000, nameof(MaxValueLength));
        Check(MaxRequestDuration > TimeSpan.Zero, nameof(MaxRequestDuration));
        Check(MaxDatabaseSizeBytes >= 65536, nameof(MaxDatabaseSizeBytes));
        Check(MaxResultBytes is >= 1024 and <= int.MaxValue, nameof(MaxResultBytes));
        Check(SqliteHeapLimitBytes >= 0, nameof(SqliteHeapLimitBytes));
        Check(ReaderCount is > 0 and <= 256, nameof(ReaderCount));
        Check(StatementCacheSize is >= 0 and <= 10_000, nameof(StatementCacheSize));
    }

    static void Check(bool ok, string name)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, $"{EngineOptions.Section}:{name} is out of range.");
    }
}
