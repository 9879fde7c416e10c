using Orleans.Concurrency;
using Atoll.Engine;
using Atoll.Server.Transfers;

namespace Atoll.Server.Grains;

/// <summary>The only owner of one database file (keyed by its uuid): every query and every file operation goes through it.</summary>
[Alias("atoll.database")]
public interface IDatabaseGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs a parsed request; reads run in parallel with each other and the writer, writes one at a time. The request is
    /// never changed after the call, so it is passed without a copy.
    /// </summary>
    [AlwaysInterleave, Alias("query")]
    Task<DatabaseReply> Query([Immutable] QueryRequest request, CancellationToken cancellationToken = default);

    /// <summary>Counts tables and measures the file.</summary>
    [AlwaysInterleave, Alias("stats")]
    Task<DatabaseStats> GetStats();

    /// <summary>
    /// Writes a consistent copy of the database file (from a reader's snapshot; writes go on) to a new staged file on this
    /// database's node and returns it; the caller reads it (in parts, from another node) and deletes it.
    /// </summary>
    [AlwaysInterleave, Alias("backup")]
    Task<NodeFile> Backup(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs the uploaded SQL file <paramref name="source"/> as one write transaction, queued behind other writes like a
    /// query; reads carry on. An upload on another node is first copied here in parts. Long files take long: the call may
    /// last up to an hour.
    /// </summary>
    [AlwaysInterleave, ResponseTimeout("01:00:00"), Alias("import")]
    Task<ImportReply> Import(NodeFile source, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a SQL dump from a reader snapshot (writes carry on meanwhile) to a new staged file on this database's node,
    /// named in the reply; the caller reads it (in parts, from another node) and deletes it.
    /// </summary>
    [AlwaysInterleave, ResponseTimeout("01:00:00"), Alias("export")]
    Task<ExportReply> Export(DumpOptions options, CancellationToken cancellationToken = default);

    /// <summary>The commit the database is at.</summary>
    [AlwaysInterleave, Alias("bookmark")]
    Task<string> GetBookmark();

    /// <summary>The retained history for a timeline: commits per minute, restores, snapshots.</summary>
    [AlwaysInterleave, Alias("timeline")]
    Task<TimelineReply> Timeline();

    /// <summary>The bookmark of the last commit at or before <paramref name="timestamp"/>, or the current one when null.</summary>
    [AlwaysInterleave, Alias("bookmark-at")]
    Task<TimeTravelReply> BookmarkAt(DateTimeOffset? timestamp);

    /// <summary>Restores the database in place to <paramref name="bookmark"/>; the reply carries the undo point.</summary>
    [Alias("restore"), ResponseTimeout("01:00:00")]
    Task<TimeTravelReply> Restore(string bookmark, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the state at <paramref name="bookmark"/> the start of the new database <paramref name="uuid"/>: its file on one
    /// node; in a cluster, its history in the shared store, from which it opens on whichever node it is placed.
    /// </summary>
    [AlwaysInterleave, Alias("fork"), ResponseTimeout("01:00:00")]
    Task<TimeTravelReply> Fork(string bookmark, string uuid, CancellationToken cancellationToken = default);

    /// <summary>Closes the database now (the open-database budget needs its file descriptors); the next call reopens it.</summary>
    [Alias("close")]
    Task Close();

    /// <summary>Durable change-log entries after <paramref name="after"/> (at most <paramref name="maxEntries"/>), for a read replica.</summary>
    [AlwaysInterleave, Alias("read-log")]
    Task<LogBatch> ReadLog(long after, int maxEntries);

    /// <summary>
    /// Copies the state at the newest durable commit for <paramref name="region"/>'s replica (a seed, kept in this node's
    /// files until read out by <see cref="ReadSeed"/>) and returns its sequence. The replica may be on another machine.
    /// </summary>
    [AlwaysInterleave, Alias("seed-replica"), ResponseTimeout("01:00:00")]
    Task<long> SeedReplica(string region, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> bytes of <paramref name="region"/>'s seed from <paramref name="offset"/>; a shorter part is the last (the seed is then deleted).</summary>
    [AlwaysInterleave, Alias("read-seed")]
    Task<byte[]> ReadSeed(string region, long offset, int max);

    /// <summary>Read replication was switched on or off: wake the replicas after each durable commit, or stop.</summary>
    [AlwaysInterleave, Alias("set-replication")]
    Task SetReplication(bool enabled);

    /// <summary>Closes the database, deletes its files and deactivates.</summary>
    [Alias("delete")]
    Task Delete();
}
