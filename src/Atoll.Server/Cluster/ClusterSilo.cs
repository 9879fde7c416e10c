using System.Net;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using StackExchange.Redis;

namespace Atoll.Server.Cluster;

/// <summary>The silo's settings in cluster mode: membership in PostgreSQL or Redis, tuned failure detection, the node's name and region.</summary>
public static class ClusterSilo
{
    /// <summary>Orleans' ServiceId: the same for every Atoll cluster (it scopes grain storage, which Atoll does not use).</summary>
    const string ServiceId = "atoll";

    /// <summary>Joins the cluster <paramref name="cluster"/> describes as the node <paramref name="name"/> of <paramref name="region"/>.</summary>
    public static ISiloBuilder UseAtollCluster(this ISiloBuilder silo, ClusterNodeOptions cluster, string name, string region, int siloPort, int gatewayPort)
    {
        if (cluster.UsesRedisMembership)
        {
            // One hash, "atoll/members/<ClusterId>": the table version and a row per silo (Orleans' default key).
            silo.UseRedisClustering(redis => redis.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString!));
        }
        else
        {
            silo.UseAdoNetClustering(adoNet =>
            {
                adoNet.Invariant = "Npgsql";
                adoNet.ConnectionString = cluster.PostgresConnectionString;
            });
        }
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = ServiceId;
        });
        var address = cluster.Address;
        silo.ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
        silo.Configure<SiloOptions>(options => options.SiloName = name);
        // Failure detection in about 2–3 s instead of Orleans' ~10–90 s: a dead node's databases answer again soon after.
        // Probing and voting are Orleans' own, whichever table stores the votes: the same settings for both providers.
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = cluster.ProbeTimeout;
            membership.NumMissedProbesLimit = cluster.NumMissedProbesLimit;
            membership.NumVotesForDeathDeclaration = cluster.NumVotesForDeathDeclaration;
            membership.TableRefreshTimeout = cluster.TableRefreshTimeout;
        });
        // Published in the membership table: placement reads every node's region from it.
        silo.UseSiloMetadata(new Dictionary<string, string> { [NodeMetadata.Region] = region, [NodeMetadata.Name] = name });
        return silo;
    }
}
