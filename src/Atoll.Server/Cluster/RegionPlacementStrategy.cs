namespace Atoll.Server.Cluster;

/// <summary>
/// Places a database's grains by region: its primary on a node of its <c>primary_location_hint</c> (or jurisdiction),
/// a replica on a node of the replica's region, a node's own grain on that node; anything else, or when no node of
/// the region is up, on any node. See <see cref="RegionPlacementDirector"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("atoll.region-placement")]
public sealed class RegionPlacementStrategy : PlacementStrategy
{
    /// <summary>The one instance the attribute uses.</summary>
    public static RegionPlacementStrategy Instance { get; } = new();
}
