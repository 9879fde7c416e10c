using Orleans.Concurrency;
using Atoll.Engine;

namespace Atoll.Server.Grains;

/// <summary>The only owner of one database file (keyed by its uuid): every query and every file operation goes through it.</summary>
[Alias("atoll.database")]
public interface IDatabaseGrain : IGrainWithStringKey
{
    /// <summary>Runs a query body; reads overlap each other and the writer, writes run one at a time.</summary>
    [AlwaysInterleave, Alias("query")]
    Task<DatabaseReply> Query(DatabaseCall call, CancellationToken cancellationToken = default);

    /// <summary>Counts tables and measures the file.</summary>
    [AlwaysInterleave, Alias("stats")]
    Task<DatabaseStats> GetStats();

    /// <summary>
    /// Writes a consistent copy of the database file (from a reader's snapshot; writes go on) to a new temporary file
    /// in the database's folder and returns its path. The caller deletes it.
    /// </summary>
    [AlwaysInterleave, Alias("backup")]
    Task<string> Backup(CancellationToken cancellationToken = default);

    /// <summary>Closes the database, deletes its files and deactivates.</summary>
    [Alias("delete")]
    Task Delete();
}
