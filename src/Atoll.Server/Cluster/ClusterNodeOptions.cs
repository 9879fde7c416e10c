using System.Net;
using StackExchange.Redis;

namespace Atoll.Server.Cluster;

/// <summary>
/// Cluster mode (<c>Atoll:Cluster</c>): off by default (one node, localhost clustering, nothing to install). On, the node
/// joins the Orleans cluster whose membership table is in PostgreSQL (or in Redis, <see cref="Membership"/>), shares the
/// catalog and the ownership fence in PostgreSQL, and keeps every database's history in the shared object store
/// (<c>Atoll:ObjectStore</c>).
/// </summary>
public sealed class ClusterNodeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atoll:Cluster";

    /// <summary>Join a cluster instead of running alone.</summary>
    public bool Enabled { get; set; }

    /// <summary>This node's name, unique in the cluster, reported as <c>served_by_colo</c>; default <c>Atoll:Node</c>, else the host name and silo port.</summary>
    public string? NodeName { get; set; }

    /// <summary>This node's region (D1's codes: WNAM, ENAM, WEUR, EEUR, APAC, OC), reported as <c>served_by_region</c> and used for placement.</summary>
    public string? Region { get; set; }

    /// <summary>The PostgreSQL database holding the catalog, the ownership fence and (by default) membership (an Npgsql connection string).</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Where Orleans' membership table lives: <c>postgres</c> (the default, in <see cref="PostgresConnectionString"/>'s database) or <c>redis</c>.</summary>
    public string Membership { get; set; } = PostgresMembership;

    /// <summary>The Redis holding membership when <see cref="Membership"/> is <c>redis</c> (StackExchange.Redis syntax, e.g. <c>127.0.0.1:6379</c>).</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>The address other nodes reach this one at; default 127.0.0.1 (every node on one host).</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>The cluster's id in the membership table: nodes with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "atoll";

    /// <summary>How long a node waits for a probe's answer before it counts as missed (Orleans' default: 5 s).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes in a row after which a node suspects another (Orleans' default: 3).</summary>
    public int NumMissedProbesLimit { get; set; } = 2;

    /// <summary>Suspicions (from different nodes) that declare a node dead (Orleans' default: 2).</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>How often each node re-reads the membership table (Orleans' default: 60 s).</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a request that only reads (or never reached its database) is retried while the database's owner fails
    /// over: the membership settings above declare a dead node in about 2–3 s on one network.
    /// </summary>
    public TimeSpan FailoverRetryWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <see cref="Membership"/> value for PostgreSQL.</summary>
    public const string PostgresMembership = "postgres";

    /// <summary>The <see cref="Membership"/> value for Redis.</summary>
    public const string RedisMembership = "redis";

    /// <summary>Membership is in Redis rather than PostgreSQL.</summary>
    public bool UsesRedisMembership => string.Equals(Membership, RedisMembership, StringComparison.OrdinalIgnoreCase);

    /// <summary>The advertised address, parsed.</summary>
    public IPAddress Address => AdvertisedAddress is { Length: > 0 } text ? IPAddress.Parse(text) : IPAddress.Loopback;

    /// <summary>Throws naming the setting that is missing or unusable.</summary>
    public void Validate()
    {
        if (!Enabled) return;
        if (string.IsNullOrWhiteSpace(PostgresConnectionString))
            throw new InvalidOperationException("Atoll:Cluster:PostgresConnectionString is required in cluster mode (the catalog and the ownership fence are there, whatever holds membership).");
        if (!UsesRedisMembership && !string.Equals(Membership, PostgresMembership, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Atoll:Cluster:Membership must be {PostgresMembership} or {RedisMembership}, not '{Membership}'.");
        if (UsesRedisMembership) ValidateRedis();
        if (AdvertisedAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
            throw new InvalidOperationException($"Atoll:Cluster:AdvertisedAddress must be an IP address, not '{address}'.");
        if (ProbeTimeout <= TimeSpan.Zero) throw new InvalidOperationException("Atoll:Cluster:ProbeTimeout must be positive.");
        if (NumMissedProbesLimit < 1) throw new InvalidOperationException("Atoll:Cluster:NumMissedProbesLimit must be at least 1.");
        if (NumVotesForDeathDeclaration < 1) throw new InvalidOperationException("Atoll:Cluster:NumVotesForDeathDeclaration must be at least 1.");
        if (TableRefreshTimeout <= TimeSpan.Zero) throw new InvalidOperationException("Atoll:Cluster:TableRefreshTimeout must be positive.");
        if (FailoverRetryWindow < TimeSpan.Zero) throw new InvalidOperationException("Atoll:Cluster:FailoverRetryWindow must not be negative.");
    }

    void ValidateRedis()
    {
        if (string.IsNullOrWhiteSpace(RedisConnectionString))
            throw new InvalidOperationException("Atoll:Cluster:RedisConnectionString is required when Atoll:Cluster:Membership is redis.");
        try
        {
            if (ConfigurationOptions.Parse(RedisConnectionString).EndPoints.Count == 0)
                throw new InvalidOperationException($"Atoll:Cluster:RedisConnectionString names no Redis endpoint: '{RedisConnectionString}'.");
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Atoll:Cluster:RedisConnectionString is not a StackExchange.Redis connection string: {ex.Message}", ex);
        }
    }
}
