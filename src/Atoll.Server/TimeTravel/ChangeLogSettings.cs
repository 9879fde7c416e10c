using Atoll.Engine;
using Atoll.Engine.Storage;
using Atoll.Server.Hosting;
using Atoll.Server.Storage;
using Microsoft.Extensions.Options;

namespace Atoll.Server.TimeTravel;

/// <summary>
/// The change-log settings of each database: the server's Time Travel options, its object store, the durability policy
/// (<c>Atoll:ObjectStore:WaitForUpload</c>, honoured by the engine) and a per-database key prefix.
/// </summary>
public sealed class ChangeLogSettings(IOptions<TimeTravelOptions> timeTravel, IOptions<ObjectStoreOptions> storeOptions, IObjectStore? store,
    DatabaseFiles files, TimeProvider clock, ILogger<ChangeLogSettings> logger)
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
    public void Created(string uuid, DateTimeOffset at) => files.MarkCreated(uuid, at);

    /// <summary>The database opened: from now on its history is in its log.</summary>
    public void Opened(string uuid) => files.Opened(uuid);

    /// <summary>The change-log options for the database <paramref name="uuid"/>.</summary>
    public ChangeLogOptions For(string uuid) => For(uuid, files.CreatedNotOpened(uuid));

    ChangeLogOptions For(string uuid, DateTimeOffset? createdNotOpened) => new()
    {
        Enabled = timeTravel.Value.Enabled,
        ObjectStore = Store,
        ObjectPrefix = Prefix(uuid),
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
