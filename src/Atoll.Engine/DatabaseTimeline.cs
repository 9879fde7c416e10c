using Atoll.Engine.ChangeLog;

namespace Atoll.Engine;

/// <summary>
/// A database's retained history as a dashboard draws it: commits counted per minute, restores and snapshots as
/// points. Bookmarks are the ones Time Travel accepts, so any point can be restored to or forked from.
/// </summary>
/// <param name="Minutes">One entry per minute that had commits, oldest first.</param>
/// <param name="Restores">In-place restores (each one a commit whose undo point is the bookmark before it).</param>
/// <param name="Snapshots">Full copies kept locally, each at a commit still in the log.</param>
/// <param name="Earliest">The oldest bookmark that can still be restored to, or null when the log is empty.</param>
/// <param name="Current">The bookmark the database is at.</param>
public sealed record DatabaseTimeline(
    IReadOnlyList<TimelineMinute> Minutes,
    IReadOnlyList<TimelinePoint> Restores,
    IReadOnlyList<TimelinePoint> Snapshots,
    string? Earliest,
    string Current)
{
    internal static DatabaseTimeline Of(LogStore log, Bookmark current)
    {
        var positions = log.Index.All();
        var minutes = new List<TimelineMinute>();
        foreach (var position in positions)
        {
            var minute = position.CommitTimeMs - position.CommitTimeMs % 60_000;
            if (minutes.Count > 0 && minutes[^1].MinuteMs == minute)
                minutes[^1] = minutes[^1] with { Commits = minutes[^1].Commits + 1, LastBookmark = new Bookmark(position.Sequence).ToString() };
            else minutes.Add(new TimelineMinute(minute, 1, new Bookmark(position.Sequence).ToString()));
        }
        var restores = positions.Where(p => p.Kind == LogEntryKind.Restore).Select(Point).ToList();
        var snapshots = log.Snapshots.Local().Select(log.Index.Find).OfType<LogPosition>().Select(Point).ToList();
        return new DatabaseTimeline(minutes, restores, snapshots, positions.Count > 0 ? new Bookmark(positions[0].Sequence).ToString() : null,
            current.ToString());
    }

    static TimelinePoint Point(LogPosition position) => new(new Bookmark(position.Sequence).ToString(), position.CommitTimeMs);
}

/// <summary>The commits of one minute.</summary>
/// <param name="MinuteMs">The minute's start, unix milliseconds.</param>
/// <param name="Commits">Log entries committed in it.</param>
/// <param name="LastBookmark">The last of them (restore to it for the state at the end of the minute).</param>
public sealed record TimelineMinute(long MinuteMs, int Commits, string LastBookmark);

/// <summary>A commit on the timeline.</summary>
/// <param name="Bookmark">Its bookmark.</param>
/// <param name="AtMs">When it committed, unix milliseconds.</param>
public sealed record TimelinePoint(string Bookmark, long AtMs);
