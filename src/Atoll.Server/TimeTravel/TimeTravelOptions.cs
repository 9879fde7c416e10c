namespace Atoll.Server.TimeTravel;

/// <summary>Time Travel settings (<c>Atoll:TimeTravel</c>); defaults are D1's.</summary>
public sealed class TimeTravelOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atoll:TimeTravel";

    /// <summary>Keep a change log (Time Travel, fork, backups). Off, writes cost less and none of those work.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How far back restores reach (D1: 30 days).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Restores allowed per database per <see cref="RestoreWindow"/> (D1: 10 per 10 minutes).</summary>
    public int RestoresPerWindow { get; set; } = 10;

    /// <summary>The window the restore limit counts over.</summary>
    public TimeSpan RestoreWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Commits between snapshots (snapshots bound restore time).</summary>
    public int SnapshotEveryCommits { get; set; } = 10_000;

    /// <summary>Time between snapshots, when anything was written.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromHours(6);
}
