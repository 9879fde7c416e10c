namespace Atoll.Server.Catalog;

/// <summary>Where and how a new database is placed: D1's location hint, jurisdiction and read replication mode.</summary>
public sealed record DatabasePlacement(string? LocationHint, string? Jurisdiction, string ReadReplication)
{
    /// <summary>No hint, no jurisdiction, replication off.</summary>
    public static DatabasePlacement Default { get; } = new(null, null, "disabled");
}
