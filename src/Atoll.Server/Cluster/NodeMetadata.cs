namespace Atoll.Server.Cluster;

/// <summary>The silo-metadata keys every node publishes in the membership table.</summary>
public static class NodeMetadata
{
    /// <summary>The node's region.</summary>
    public const string Region = "atoll.region";

    /// <summary>The node's name.</summary>
    public const string Name = "atoll.node";
}
