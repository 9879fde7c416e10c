using Atoll.Engine;

namespace Atoll.Server.Grains;

/// <summary>A database's timeline, or a D1 error (no change log).</summary>
/// <param name="Timeline">The history on success.</param>
/// <param name="ErrorCode">The v4 error code on failure.</param>
/// <param name="Error">The error text on failure.</param>
[GenerateSerializer, Immutable, Alias("atoll.timeline-reply")]
public sealed record TimelineReply(
    [property: Id(0)] DatabaseTimeline? Timeline,
    [property: Id(1)] D1ErrorCode? ErrorCode,
    [property: Id(2)] string? Error);
