using Orleans.Concurrency;

namespace Atoll.Server.Cluster;

/// <summary>One node of the cluster, reached from any node: what it owns, its transfer files, and draining it.</summary>
[Alias("atoll.node")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>The databases whose primary is open on this node.</summary>
    [AlwaysInterleave, Alias("databases")]
    Task<string[]> Databases();

    /// <summary>From now on this node places no new activation on <paramref name="silo"/> (it is draining).</summary>
    [AlwaysInterleave, Alias("avoid")]
    Task Avoid(SiloAddress silo);

    /// <summary>Leaves the cluster gracefully (<see cref="NodeDrain"/>): hands every database over while it still answers, then stops taking HTTP requests, lets those in flight finish and exits.</summary>
    [AlwaysInterleave, Alias("drain")]
    Task Drain();

    /// <summary>
    /// Up to <paramref name="max"/> bytes (at most <see cref="Transfers.FileParts.Size"/>) of this node's upload or staged file
    /// <paramref name="name"/> (<see cref="Transfers.NodeFile"/>) from <paramref name="offset"/>; a shorter part is the last.
    /// </summary>
    [AlwaysInterleave, Alias("read-file")]
    Task<byte[]> ReadFile(string name, long offset, int max);

    /// <summary>
    /// The length of this node's upload or export <paramref name="name"/>, its write time refreshed so the sweep leaves it
    /// while it is used; -1 when this node does not have it (<see cref="Transfers.NodeFiles.FindAsync"/>).
    /// </summary>
    [AlwaysInterleave, Alias("keep-file")]
    Task<long> KeepFile(string name);

    /// <summary>Copies an upload or finished export <paramref name="source"/> of a leaving node here, so its ingest or its signed URL still finds it.</summary>
    [AlwaysInterleave, Alias("take-file")]
    Task TakeFile(Transfers.NodeFile source);

    /// <summary>Deletes this node's staged file <paramref name="name"/> (read out, or no longer wanted).</summary>
    [AlwaysInterleave, Alias("delete-staged")]
    Task DeleteStaged(string name);
}
