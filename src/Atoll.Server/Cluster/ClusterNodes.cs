using Atoll.Engine;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Atoll.Server.Cluster;

/// <summary>The cluster's nodes as the membership table lists them, with what each owns; draining one.</summary>
public sealed class ClusterNodes(IGrainFactory grains, ILocalSiloDetails local, IOptions<EngineOptions> engine, IServiceProvider services)
{
    /// <summary>A node: its name, region, address, membership status, start time and the databases open on it (null when it cannot be asked).</summary>
    public sealed record Node(string Name, string Region, string Address, string Status, DateTime StartedAt, IReadOnlyList<string>? Databases);

    /// <summary>Every node that has not left or died, this one included.</summary>
    public async Task<IReadOnlyList<Node>> ListAsync(CancellationToken cancellationToken)
    {
        var metadata = services.GetService<ISiloMetadataCache>();
        var hosts = await HostsAsync(onlyActive: false, cancellationToken);
        var nodes = new List<Node>();
        foreach (var host in hosts.Where(h => h.Status != SiloStatus.Dead).OrderBy(h => h.SiloName, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<string>? databases = null;
            if (host.Status == SiloStatus.Active)
            {
                try
                {
                    databases = await grains.GetGrain<INodeGrain>(NodeGrain.KeyOf(host.SiloAddress)).Databases().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                }
                catch (Exception ex) when (ex is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
                {
                    // It is going away: listed with its status, without its databases.
                }
            }
            var region = host.SiloAddress.Equals(local.SiloAddress) ? engine.Value.Region
                : metadata?.GetSiloMetadata(host.SiloAddress).Metadata.GetValueOrDefault(NodeMetadata.Region) ?? "";
            nodes.Add(new Node(host.SiloName, region, host.SiloAddress.Endpoint.ToString(), host.Status.ToString().ToLowerInvariant(),
                host.StartTime, databases));
        }
        return nodes;
    }

    /// <summary>
    /// The membership table as Orleans reads it. A table that cannot be read (its store down, or emptied under a running
    /// cluster) is the operator's to fix: answered as a 503 that says so, not as an anonymous internal error.
    /// </summary>
    async Task<MembershipEntry[]> HostsAsync(bool onlyActive, CancellationToken cancellationToken)
    {
        try
        {
            return await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            throw new Api.ApiException(StatusCodes.Status503ServiceUnavailable, (int)D1ErrorCode.SqlError,
                $"The cluster's membership table could not be read ({ex.GetType().Name}: {ex.Message}); check the membership store.");
        }
    }

    /// <summary>Drains the active node named <paramref name="name"/> (<see cref="NodeDrain"/>); false when there is none.</summary>
    public async Task<bool> DrainAsync(string name)
    {
        var hosts = await HostsAsync(onlyActive: true, CancellationToken.None);
        if (hosts.FirstOrDefault(h => h.SiloName == name) is not { } host) return false;
        await grains.GetGrain<INodeGrain>(NodeGrain.KeyOf(host.SiloAddress)).Drain();
        return true;
    }
}
