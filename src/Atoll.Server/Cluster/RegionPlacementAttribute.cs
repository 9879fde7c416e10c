using Orleans.Placement;

namespace Atoll.Server.Cluster;

/// <summary>Marks a grain class as placed by <see cref="RegionPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RegionPlacementAttribute() : PlacementAttribute(RegionPlacementStrategy.Instance);
