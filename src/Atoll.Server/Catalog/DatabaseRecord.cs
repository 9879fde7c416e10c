namespace Atoll.Server.Catalog;

/// <summary>A database as the catalog knows it; <see cref="NumTables"/> and <see cref="FileSize"/> are the last figures its grain reported.</summary>
public sealed record DatabaseRecord(
    string Uuid,
    string AccountId,
    string Name,
    DateTimeOffset CreatedAt,
    string ReadReplication,
    string? LocationHint,
    string? Jurisdiction,
    int NumTables,
    long FileSize);
