using System.Collections.Concurrent;

namespace Atoll.Server.Cluster;

/// <summary>The nodes being drained, as this node was told: placement puts nothing new on them.</summary>
public sealed class DrainingNodes
{
    readonly ConcurrentDictionary<SiloAddress, byte> _silos = new();

    /// <summary>Marks <paramref name="silo"/> as leaving (it restarts under a new address, so the mark never needs removing).</summary>
    public void Add(SiloAddress silo) => _silos.TryAdd(silo, 0);

    /// <summary>True when <paramref name="silo"/> is leaving.</summary>
    public bool Contains(SiloAddress silo) => _silos.ContainsKey(silo);

    /// <summary>True when any node is leaving (the common case is none: placement then filters nothing).</summary>
    public bool Any => !_silos.IsEmpty;
}
