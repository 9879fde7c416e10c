using Atoll.Engine.Storage;

namespace Atoll.Engine;

/// <summary>How a database keeps its change log: retention, snapshots, checkpoints and the object store it ships to.</summary>
public sealed class ChangeLogOptions
{
    /// <summary>When false, no log is kept: no Time Travel, no fork, no backups (and no capture cost).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where entries and snapshots are copied beyond the local disk; null keeps them local only.</summary>
    public IObjectStore? ObjectStore { get; set; }

    /// <summary>Key prefix of this database's objects, e.g. <c>&lt;uuid&gt;/</c>.</summary>
    public string ObjectPrefix { get; set; } = "";

    /// <summary>When true, a write is acknowledged only after its entry is in the object store (see <see cref="Database.WaitForUploadAsync"/>).</summary>
    public bool WaitForUpload { get; set; }

    /// <summary>How far back Time Travel reaches (D1: 30 days).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A snapshot is taken once this many commits have accumulated since the last one…</summary>
    public int SnapshotEveryCommits { get; set; } = 10_000;

    /// <summary>…or once this much time has passed with at least one commit.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>WAL frames after which the writer checkpoints (only ever after the frames are captured).</summary>
    public int CheckpointFrames { get; set; } = 1000;

    /// <summary>The clock commit times come from (tests move it).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;
}
