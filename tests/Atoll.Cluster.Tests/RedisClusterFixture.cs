namespace Atoll.Cluster.Tests;

/// <summary>The same 3-node cluster with Orleans' membership in a private Redis (<c>Atoll:Cluster:Membership=redis</c>); catalog and fence stay in PostgreSQL.</summary>
public sealed class RedisClusterFixture() : ClusterFixture("redis");
