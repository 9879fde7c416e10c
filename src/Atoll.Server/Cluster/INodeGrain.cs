using Orleans.Concurrency;

namespace Atoll.Server.Cluster;

/// <summary>One node of the cluster, reached from any node: what it owns, and draining it.</summary>
[Alias("atoll.node")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>The databases whose primary is open on this node.</summary>
    [AlwaysInterleave, Alias("databases")]
    Task<string[]> Databases();

    /// <summary>Leaves the cluster gracefully: stops taking HTTP requests, lets those in flight finish, closes every database (they open on other nodes at their next request) and exits.</summary>
    [AlwaysInterleave, Alias("drain")]
    Task Drain();
}
