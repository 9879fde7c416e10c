using Orleans.Runtime.Placement;

namespace Atoll.Server.Cluster;

/// <summary>
/// Chooses the node of a new activation (<see cref="RequestNodePlacementStrategy"/>): this one — the node the request
/// reached, or the one forwarding it — unless it is leaving (<see cref="DrainingNodes"/>), then another at random among
/// those not leaving. Orleans' <c>PreferLocalPlacement</c> would keep choosing a leaving node, which is still active, and
/// a request forwarded away from it would come straight back.
/// </summary>
public sealed class RequestNodePlacementDirector(DrainingNodes draining) : IPlacementDirector
{
    /// <inheritdoc/>
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (context.LocalSiloStatus == SiloStatus.Active && !draining.Contains(context.LocalSilo) && silos.Contains(context.LocalSilo))
            return Task.FromResult(context.LocalSilo);
        // A node being drained takes nothing new (unless it is the only one left).
        if (silos.Where(s => !draining.Contains(s)).ToArray() is { Length: > 0 } staying) silos = staying;
        return Task.FromResult(silos[Random.Shared.Next(silos.Length)]);
    }
}
