using Orleans.Concurrency;

namespace Atoll.Server.Cluster;

/// <summary>One node of the cluster, reached from any node: what it owns, and draining it.</summary>
[Alias("atoll.node")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>The databases whose primary is open on this node.</summary>
    [AlwaysInterleave, Alias("databases")]
    Task<string[]> Databases();

    /// <summary>From now on this node places no new activation on <paramref name="silo"/> (it is draining).</summary>
    [AlwaysInterleave, Alias("avoid")]
    Task Avoid(SiloAddress silo);

    /// <summary><paramref name="silo"/>, leaving, holds no database and opens none: a call to it that goes unanswered never ran.</summary>
    [AlwaysInterleave, Alias("emptied")]
    Task Emptied(SiloAddress silo);

    /// <summary>Leaves the cluster gracefully (<see cref="NodeDrain"/>): hands every database over while it still answers, then stops taking HTTP requests, lets those in flight finish and exits.</summary>
    [AlwaysInterleave, Alias("drain")]
    Task Drain();
}
