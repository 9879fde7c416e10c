using Atoll.Engine;
using Atoll.Engine.Storage;
using Atoll.Server.Hosting;
using Atoll.Server.Storage;
using Microsoft.Extensions.Options;

namespace Atoll.Server.TimeTravel;

/// <summary>
/// The change-log settings of each database: the server's Time Travel options, its object store, the durability policy
/// (<c>Atoll:ObjectStore:WaitForUpload</c>, honoured by the engine), a per-database key prefix and, in a cluster, the
/// shared ownership fence (null: the engine fences on the object store itself).
/// </summary>
public sealed class ChangeLogSettings(IOptions<TimeTravelOptions> timeTravel, IOptions<ObjectStoreOptions> storeOptions, IObjectStore? store,
    DatabaseFiles files, TimeProvider clock, ILogger<ChangeLogSettings> logger, IOwnershipFence? fence = null, bool clustered = false)
{
    /// <summary>The object store, or null when backups are off.</summary>
    public IObjectStore? Store { get; } = store;

    /// <summary>Acknowledge writes only once they are in the object store.</summary>
    public bool WaitForUpload => Store is not null && storeOptions.Value.WaitForUpload;

    /// <summary>The key prefix of one database's objects.</summary>
    public static string Prefix(string uuid) => $"databases/{uuid}/";

    /// <summary>
    /// Notes on disk that <paramref name="uuid"/> was just created (nothing is kept in memory): its first open needs no
    /// history from the object store, so it succeeds while the store is unreachable, and its history starts at
    /// <paramref name="at"/>, not at that open.
    /// </summary>
    /// <remarks>In a cluster the database may open on another node, and later here with a history: nothing is noted.</remarks>
    public void Created(string uuid, DateTimeOffset at)
    {
        if (!clustered) files.MarkCreated(uuid, at);
    }

    /// <summary>The database opened: from now on its history is in its log.</summary>
    public void Opened(string uuid) => files.Opened(uuid);

    /// <summary>
    /// In a cluster, before the database opens on this node: claims its history once, which finishes any upload a
    /// previous owner reserved but did not complete (it died mid-PUT), so the store is whole when the open reads it.
    /// One node: nothing.
    /// </summary>
    public async Task SettleAsync(string uuid, CancellationToken cancellationToken)
    {
        if (clustered && fence is not null && Store is not null) await fence.ClaimAsync(Prefix(uuid), cancellationToken);
    }

    /// <summary>The change-log options for the database <paramref name="uuid"/>.</summary>
    public ChangeLogOptions For(string uuid) => For(uuid, files.CreatedNotOpened(uuid));

    ChangeLogOptions For(string uuid, DateTimeOffset? createdNotOpened) => new()
    {
        Enabled = timeTravel.Value.Enabled,
        ObjectStore = Store,
        ObjectPrefix = Prefix(uuid),
        Fence = fence, // null: conditional creates in the object store; a cluster's fence is in its shared database
        WaitForUpload = WaitForUpload,
        UploadTimeout = storeOptions.Value.UploadTimeout,
        IsNew = createdNotOpened is not null,
        CreatedAt = createdNotOpened,
        Retention = timeTravel.Value.Retention,
        SnapshotEveryCommits = timeTravel.Value.SnapshotEveryCommits,
        SnapshotInterval = timeTravel.Value.SnapshotInterval,
        Clock = clock,
        OnFailure = (what, ex) => logger.LogWarning(ex, "Change log of {Prefix}: {What}", Prefix(uuid), what),
    };
}
