using Atoll.Engine;
using Atoll.Engine.Storage;
using Atoll.Server.Storage;
using Microsoft.Extensions.Options;

namespace Atoll.Server.TimeTravel;

/// <summary>The change-log settings of each database: the server's Time Travel options, its object store and a per-database key prefix.</summary>
public sealed class ChangeLogSettings(IOptions<TimeTravelOptions> timeTravel, IOptions<ObjectStoreOptions> storeOptions, IObjectStore? store,
    TimeProvider clock)
{
    /// <summary>The object store, or null when backups are off.</summary>
    public IObjectStore? Store { get; } = store;

    /// <summary>Acknowledge writes only once they are in the object store.</summary>
    public bool WaitForUpload => Store is not null && storeOptions.Value.WaitForUpload;

    /// <summary>How long a write waits for the store.</summary>
    public TimeSpan UploadTimeout => storeOptions.Value.UploadTimeout;

    /// <summary>The key prefix of one database's objects.</summary>
    public static string Prefix(string uuid) => $"databases/{uuid}/";

    /// <summary>The change-log options for the database <paramref name="uuid"/>.</summary>
    public ChangeLogOptions For(string uuid) => new()
    {
        Enabled = timeTravel.Value.Enabled,
        ObjectStore = Store,
        ObjectPrefix = Prefix(uuid),
        WaitForUpload = WaitForUpload,
        Retention = timeTravel.Value.Retention,
        SnapshotEveryCommits = timeTravel.Value.SnapshotEveryCommits,
        SnapshotInterval = timeTravel.Value.SnapshotInterval,
        Clock = clock,
    };
}
