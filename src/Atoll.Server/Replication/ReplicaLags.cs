using System.Collections.Concurrent;

namespace Atoll.Server.Replication;

/// <summary>
/// How far behind its primary each replica on this node is, kept per replica and read per region: the metrics report the
/// worst replica of each region (a region is one of a handful of codes), never one series per database.
/// </summary>
public sealed class ReplicaLags
{
    readonly ConcurrentDictionary<string, Lag> _replicas = new();

    /// <summary>One replica's lag: entries behind, and since when (ms since the epoch) it has been behind; 0 and null when current.</summary>
    public readonly record struct Lag(string Region, long Entries, long? BehindSinceMs);

    /// <summary>The worst lag of a region: most entries behind and longest time behind (ms).</summary>
    public readonly record struct RegionLag(string Region, long Entries, long Ms);

    /// <summary>Records replica <paramref name="key"/>'s lag now.</summary>
    public void Set(string key, Lag lag) => _replicas[key] = lag;

    /// <summary>Forgets a replica that closed or was dropped.</summary>
    public void Remove(string key) => _replicas.TryRemove(key, out _);

    /// <summary>The worst replica of each region, at <paramref name="nowMs"/>.</summary>
    public IReadOnlyList<RegionLag> ByRegion(long nowMs)
        => [.. _replicas.Values.GroupBy(l => l.Region, StringComparer.Ordinal).Select(g => new RegionLag(g.Key,
            g.Max(l => l.Entries), g.Max(l => l.BehindSinceMs is { } since ? Math.Max(0, nowMs - since) : 0)))];
}
