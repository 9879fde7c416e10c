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

    /// <summary>
    /// The durability policy. False: a write is acknowledged once its entry is synced in the local log. True: only once
    /// it is also in the object store (every write path of <see cref="Database"/> waits, see <see cref="Database.AcknowledgeAsync"/>).
    /// </summary>
    public bool WaitForUpload { get; set; }

    /// <summary>How long a write waits for the object store under <see cref="WaitForUpload"/> before it fails with 7429 (kept locally).</summary>
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Who may publish this database's history; null: an <see cref="ObjectStoreFence"/> on <see cref="ObjectStore"/>.</summary>
    public IOwnershipFence? Fence { get; set; }

    /// <summary>
    /// The database was just created and has no history anywhere: opening it never asks the object store (which may be
    /// unreachable). Leave false when unsure — a missing file is then rebuilt from the store.
    /// </summary>
    public bool IsNew { get; set; }

    /// <summary>
    /// When the database was created, if it was opened only later: its history then starts at creation (the first entry is
    /// stamped with this time, so a timestamp between creation and the first open names the empty database). Null: at the
    /// first open.
    /// </summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>Told of every background failure (snapshot, expiry, upload — each retried) with what failed; also counted in <see cref="Database.LogCounters"/>.</summary>
    public Action<string, Exception>? OnFailure { get; set; }

    /// <summary>The first wait before a failed snapshot is retried; it doubles up to 5 minutes.</summary>
    public TimeSpan SnapshotRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

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

    /// <summary>A copy of these options for the database whose objects go under <paramref name="prefix"/>.</summary>
    public ChangeLogOptions WithObjectPrefix(string prefix)
    {
        var copy = (ChangeLogOptions)MemberwiseClone();
        copy.ObjectPrefix = prefix;
        return copy;
    }
}
