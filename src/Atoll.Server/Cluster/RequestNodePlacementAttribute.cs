using Orleans.Placement;

namespace Atoll.Server.Cluster;

/// <summary>Marks a grain class as placed by <see cref="RequestNodePlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RequestNodePlacementAttribute() : PlacementAttribute(RequestNodePlacementStrategy.Instance);
