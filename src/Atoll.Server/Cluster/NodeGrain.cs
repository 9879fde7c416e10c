using Atoll.Server.Hosting;
using Atoll.Server.Transfers;

namespace Atoll.Server.Cluster;

/// <summary>
/// A node's own grain, keyed <c>node:&lt;silo address&gt;</c> and placed on that silo by <see cref="RegionPlacementDirector"/>,
/// so any node can ask another about itself, or read its transfer files.
/// </summary>
[RegionPlacement]
public sealed class NodeGrain(OpenDatabases open, DrainingNodes draining, NodeDrain drain, IHostApplicationLifetime lifetime,
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

    public Task TakeFile(NodeFile source) => files.TakeAsync(source);

    public Task DeleteStaged(string name)
    {
        files.Delete(name);
        return Task.CompletedTask;
    }

    public Task Avoid(SiloAddress silo)
    {
        logger.LogInformation("Node {Silo} is leaving: no database is placed there from now on", silo);
        draining.Add(silo);
        return Task.CompletedTask;
    }

    public async Task Drain()
    {
        logger.LogWarning("Draining this node on request");
        await drain.LeaveAsync();
        // After the answer went out: stopping the host stops Kestrel (requests in flight finish), then the silo, whose
        // graceful shutdown deactivates what is left and tells the cluster it left.
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            lifetime.StopApplication();
        });
    }
}
