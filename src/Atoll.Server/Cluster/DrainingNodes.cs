using System.Collections.Concurrent;

namespace Atoll.Server.Cluster;

/// <summary>
/// The nodes being drained, as this node was told: placement puts nothing new on them. And whether this node itself is
/// leaving: then it opens no database (<see cref="StepsAside"/>).
/// </summary>
public sealed class DrainingNodes
{
    readonly ConcurrentDictionary<SiloAddress, byte> _silos = new();
    volatile bool _leaving;
    long _lastStepAside; // Environment.TickCount64 of the last activation that stepped aside

    /// <summary>Marks <paramref name="silo"/> as leaving (it restarts under a new address, so the mark never needs removing).</summary>
    public void Add(SiloAddress silo) => _silos.TryAdd(silo, 0);

    /// <summary>True when <paramref name="silo"/> is leaving.</summary>
    public bool Contains(SiloAddress silo) => _silos.ContainsKey(silo);

    /// <summary>True when any node is leaving (the common case is none: placement then filters nothing).</summary>
    public bool Any => !_silos.IsEmpty;

    /// <summary>This node (<paramref name="self"/>) is leaving and other nodes remain to take its databases.</summary>
    public void Leave(SiloAddress self)
    {
        Add(self);
        _leaving = true;
    }

    /// <summary>
    /// True on a node that is leaving: a database (or replica) activation there steps aside at once — it deactivates
    /// before opening anything, and Orleans forwards its requests to a node that placement picks, never this one. Orleans
    /// activates a grain on whichever active node a request was sent to, and other nodes keep sending to this one on
    /// stale caches of where a database was; without this, those requests would open the database here again and could
    /// be running when the node stops (their outcome unknown to the sender).
    /// </summary>
    public bool StepsAside => _leaving;

    /// <summary>An activation stepped aside: another node still routes requests here.</summary>
    public void SteppedAside() => Interlocked.Exchange(ref _lastStepAside, Environment.TickCount64);

    /// <summary>How long since an activation last stepped aside (since ever: <see cref="TimeSpan.MaxValue"/>).</summary>
    public TimeSpan SinceLastStepAside
    {
        get
        {
            var last = Interlocked.Read(ref _lastStepAside);
            return last == 0 ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(Environment.TickCount64 - last);
        }
    }
}
