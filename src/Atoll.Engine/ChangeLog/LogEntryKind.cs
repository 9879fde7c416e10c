namespace Atoll.Engine.ChangeLog;

/// <summary>What a log entry says about the database state at its sequence number.</summary>
internal enum LogEntryKind : byte
{
    /// <summary>One committed transaction: the page images it wrote.</summary>
    Commit = 1,
    /// <summary>The state is the snapshot taken at this sequence (a new log, or a gap after a crash): no pages.</summary>
    Baseline = 2,
    /// <summary>An in-place restore: the state at <see cref="LogEntry.TargetSequence"/> with these pages written over it.</summary>
    Restore = 3,
}
