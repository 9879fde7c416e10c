using System.Collections.Concurrent;

namespace Atoll.Server.Grains;

/// <summary>
/// The databases whose grain is active in this process, for reads that skip the grain call. Only an activation here
/// publishes itself, so a database owned by another node (in a cluster) is never found: its reads go to its grain.
/// </summary>
public sealed class ActiveDatabases
{
    readonly ConcurrentDictionary<string, ActiveDatabase> _active = new(StringComparer.Ordinal);

    internal void Publish(string uuid, ActiveDatabase database) => _active[uuid] = database;

    internal void Withdraw(string uuid, ActiveDatabase database) => _active.TryRemove(new KeyValuePair<string, ActiveDatabase>(uuid, database));

    internal ActiveDatabase? Find(string uuid) => _active.TryGetValue(uuid, out var database) ? database : null;
}
