using Atoll.Engine;
using Orleans.Concurrency;

namespace Atoll.Server.Grains;

/// <summary>
/// A read replica of one database in one region, keyed <c>&lt;uuid&gt;/&lt;region&gt;</c>: its own file, kept current from
/// its primary's change log. A grain of its own (not an object inside the primary's) so that a placement can put it on a
/// node of its region later without changing the protocol: everything it needs from the primary travels in grain calls.
/// </summary>
[Alias("atoll.replica")]
public interface IReplicaGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs a read-only request once the replica has applied <paramref name="atLeast"/>, waiting up to
    /// <paramref name="wait"/>; null when it cannot serve it (the request writes, the replica is behind or being seeded).
    /// </summary>
    [AlwaysInterleave, Alias("query")]
    Task<DatabaseReply?> Query([Immutable] QueryRequest request, long atLeast, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>The primary made commits up to <paramref name="durable"/> durable: fetch and apply them.</summary>
    [OneWay, AlwaysInterleave, Alias("wake")]
    Task Wake(long durable);

    /// <summary>The replica's position and lag behind its primary.</summary>
    [AlwaysInterleave, Alias("status")]
    Task<ReplicaStatus> Status();

    /// <summary>Stops serving at once, deletes the replica's files and deactivates.</summary>
    [AlwaysInterleave, Alias("drop")]
    Task Drop();
}
