namespace Atoll.Server.Catalog;

/// <summary>An account: owns databases and API tokens.</summary>
public sealed record Account(string Id, string Name, DateTimeOffset CreatedAt);
