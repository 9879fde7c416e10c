namespace Atoll.Server.Cluster;

/// <summary>
/// Places a grain on the node whose request created it — unless that node is leaving, then on another that is not. See
/// <see cref="RequestNodePlacementDirector"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("atoll.request-node-placement")]
public sealed class RequestNodePlacementStrategy : PlacementStrategy
{
    /// <summary>The one instance the attribute uses.</summary>
    public static RequestNodePlacementStrategy Instance { get; } = new();
}
