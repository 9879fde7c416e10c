using System.Collections.Concurrent;

namespace Atoll.Server.Transfers;

/// <summary>
/// The transfer job grains on this node and which of their jobs are running, for a drain (<see cref="Cluster.NodeDrain"/>):
/// it waits for the running ones and sends the others on their way.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class NodeTransferJobs
{
    readonly ConcurrentDictionary<string, byte> _grains = new();
    readonly ConcurrentDictionary<string, byte> _running = new();

    /// <summary>The keys of the job grains activated here.</summary>
    public IReadOnlyCollection<string> Grains => [.. _grains.Keys];

    /// <summary>The keys of the jobs running here.</summary>
    public IReadOnlyCollection<string> Running => [.. _running.Keys];

    /// <summary>A job grain activated here.</summary>
    public void Activated(string key) => _grains.TryAdd(key, 0);

    /// <summary>A job grain here deactivated.</summary>
    public void Deactivated(string key) => _grains.TryRemove(key, out _);

    /// <summary>A job started here.</summary>
    public void Started(string key) => _running.TryAdd(key, 0);

    /// <summary>A job here finished (and its outcome was recorded).</summary>
    public void Finished(string key) => _running.TryRemove(key, out _);
}
