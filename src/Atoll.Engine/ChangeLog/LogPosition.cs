namespace Atoll.Engine.ChangeLog;

/// <summary>What the log index keeps per entry: enough to answer bookmark and timestamp questions and to find the entry.</summary>
internal sealed record LogPosition(
    long Sequence,
    long CommitTimeMs,
    LogEntryKind Kind,
    long TargetSequence,
    uint DatabasePages,
    ulong ChecksumAfter,
    string Segment,
    long Offset,
    int Length);
