namespace Atoll.Server.Grains;

/// <summary>One replica's state as <c>GET …/database/{id}/replicas</c> shows it.</summary>
/// <param name="Region">Where the replica is.</param>
/// <param name="Bookmark">The last commit it applied; null while it is being seeded.</param>
/// <param name="EntriesBehind">Durable commits of the primary it has not applied yet.</param>
/// <param name="MillisecondsBehind">How long ago the oldest commit it has not applied was made (0 when current).</param>
[GenerateSerializer, Immutable, Alias("atoll.replica-status")]
public sealed record ReplicaStatus(
    [property: Id(0)] string Region,
    [property: Id(1)] string? Bookmark,
    [property: Id(2)] long EntriesBehind,
    [property: Id(3)] long MillisecondsBehind);
