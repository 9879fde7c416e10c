using Atoll.Server.Grains;
using Atoll.Server.Hosting;
using Atoll.Server.Transfers;

namespace Atoll.Server.Cluster;

/// <summary>
/// A node's own grain, keyed <c>node:&lt;silo address&gt;</c> and placed on that silo by <see cref="RegionPlacementDirector"/>,
/// so any node can ask another about itself, or read its transfer files.
/// </summary>
[RegionPlacement]
public sealed class NodeGrain(OpenDatabases open, DrainingNodes draining, DatabaseGrains databases, IHostApplicationLifetime lifetime,
    NodeFiles files, ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    const string Prefix = "node:";

    /// <summary>The key of the grain that runs on <paramref name="silo"/>.</summary>
    public static string KeyOf(SiloAddress silo) => Prefix + silo.ToParsableString();

    /// <summary>The silo a node grain's key names, or null when the key is not a node grain's.</summary>
    public static SiloAddress? SiloOf(string key) => key.StartsWith(Prefix, StringComparison.Ordinal) ? SiloAddress.FromParsableString(key[Prefix.Length..]) : null;

    public Task<string[]> Databases() => Task.FromResult(open.Uuids.ToArray());

    public Task<byte[]> ReadFile(string name, long offset, int max) => files.ReadPartAsync(name, offset, max);

    public Task<long> KeepFile(string name) => Task.FromResult(files.Keep(name));

    public Task DeleteStaged(string name)
    {
        files.Delete(name);
        return Task.CompletedTask;
    }

    public Task Avoid(SiloAddress silo)
    {
        draining.Add(silo);
        return Task.CompletedTask;
    }

    public async Task Drain()
    {
        logger.LogWarning("Draining this node on request: closing its databases, then leaving the cluster");
        // Every node already avoids this one (ClusterNodes.DrainAsync told them), so each database closed here opens
        // elsewhere at its next request; closing waits for the requests it is running, which answer as usual. The node
        // stays up a little longer: a request sent on a stale cache of where the database was is forwarded from here to
        // its new owner, not lost with the node. Whatever opened here meanwhile is closed again.
        await CloseAllAsync();
        await Task.Delay(TimeSpan.FromSeconds(10));
        await CloseAllAsync();
        // After the answer went out: stopping the host stops Kestrel (requests in flight finish), then the silo, whose
        // graceful shutdown deactivates what is left and tells the cluster it left.
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            lifetime.StopApplication();
        });
    }

    Task CloseAllAsync() => Task.WhenAll(open.Uuids.Select(async uuid =>
    {
        try
        {
            await databases.Get(uuid).Close();
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not close database {Uuid} before leaving", uuid);
        }
    }));
}
