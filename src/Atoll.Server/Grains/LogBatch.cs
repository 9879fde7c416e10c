namespace Atoll.Server.Grains;

/// <summary>What a primary sends a replica: its newest durable commit, encoded log entries after the replica's, and when the first of those was made.</summary>
/// <param name="Durable">The primary's newest durable commit sequence: a replica never applies beyond it.</param>
/// <param name="Entries">Encoded change-log entries, in order.</param>
/// <param name="NextCommitTimeMs">Commit time (Unix ms) of the first entry the replica has not applied; null when it is current.</param>
[GenerateSerializer, Immutable, Alias("atoll.log-batch")]
public sealed record LogBatch(
    [property: Id(0)] long Durable,
    [property: Id(1)] IReadOnlyList<byte[]> Entries,
    [property: Id(2)] long? NextCommitTimeMs);
