using Atoll.Server.Catalog;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Atoll.Server.Cluster;

/// <summary>
/// Chooses the node of a new activation (<see cref="RegionPlacementStrategy"/>). The grain's key says what it is: a database
/// uuid (the primary: the catalog's location hint, else its jurisdiction, names the region), <c>&lt;uuid&gt;/&lt;region&gt;</c>
/// (a read replica), or <c>node:&lt;silo address&gt;</c> (a <see cref="NodeGrain"/>, which must run on that node).
/// Nodes being drained (<see cref="DrainingNodes"/>) are left out. Among the nodes of the wanted region — or all, when none is up — one is picked at random, which spreads databases.
/// </summary>
public sealed class RegionPlacementDirector(ICatalog catalog, ISiloMetadataCache? metadata, DrainingNodes draining) : IPlacementDirector
{
    /// <inheritdoc/>
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        var key = target.GrainIdentity.Key.ToString();
        if (NodeGrain.SiloOf(key) is { } node)
            return silos.Contains(node) ? node : throw new SiloUnavailableException($"Node {node} is not in the cluster.");
        // A node being drained takes nothing new (unless it is the only one left).
        if (draining.Any && silos.Where(s => !draining.Contains(s)).ToArray() is { Length: > 0 } staying) silos = staying;
        if (silos.Length == 1 || metadata is null) return silos[Random.Shared.Next(silos.Length)];
        foreach (var region in await WantedRegionsAsync(key))
        {
            var matching = silos.Where(s => string.Equals(RegionOf(s), region, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (matching.Length > 0) return matching[Random.Shared.Next(matching.Length)];
        }
        return silos[Random.Shared.Next(silos.Length)];
    }

    /// <summary>The region a node published, or null.</summary>
    public string? RegionOf(SiloAddress silo)
        => metadata?.GetSiloMetadata(silo).Metadata.TryGetValue(NodeMetadata.Region, out var region) == true ? region : null;

    async Task<IReadOnlyList<string>> WantedRegionsAsync(string key)
    {
        var slash = key.IndexOf('/');
        if (slash >= 0) return [key[(slash + 1)..]];
        if (!Guid.TryParse(key, out _) || await catalog.FindDatabaseByUuidAsync(key) is not { } database) return [];
        if (database.LocationHint is { Length: > 0 } hint) return [hint];
        // D1's jurisdictions keep data inside an area: its regions, nearest first.
        return database.Jurisdiction?.ToLowerInvariant() switch
        {
            "eu" => ["WEUR", "EEUR"],
            "fedramp" => ["ENAM", "WNAM"],
            _ => [],
        };
    }
}
