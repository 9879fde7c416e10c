using Atoll.Server.Cluster;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Hosting;

/// <summary>Where each database's files live: <c>&lt;data&gt;/databases/&lt;uuid&gt;/db.sqlite</c>.</summary>
public sealed class DatabaseFiles(IOptions<AtollServerOptions> options, IOptions<ClusterNodeOptions>? cluster = null)
{
    /// <summary>
    /// In a cluster local disk is only a cache: a database opens from the shared store, so nothing may exist only in a
    /// local file (<see cref="DropStaleCopy"/>).
    /// </summary>
    public bool CacheOnly { get; } = cluster?.Value.Enabled == true;

    /// <summary>The folder holding every database.</summary>
    public string Root { get; } = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "databases");

    /// <summary>The folder of one database (its file, WAL and later its log segments).</summary>
    public string Folder(string uuid) => Path.Combine(Root, Guid.Parse(uuid).ToString());

    /// <summary>The SQLite file of one database.</summary>
    public string File(string uuid) => Path.Combine(Folder(uuid), "db.sqlite");

    /// <summary>
    /// In a cluster, before a database opens here: removes the copy an earlier ownership of this node left (it has a log).
    /// Another node may have owned the database since and gone on; the shared store holds every acknowledged commit, so
    /// the database is rebuilt from it and a stale or forked local history can never win. One node: nothing.
    /// </summary>
    public void DropStaleCopy(string uuid)
    {
        if (!CacheOnly) return;
        var folder = Folder(uuid);
        if (Directory.Exists(Path.Combine(folder, "log"))) Directory.Delete(folder, recursive: true);
    }

    // A database created and not yet opened: its folder holds only this file, with the creation time (unix ms).
    string CreatedMarker(string uuid) => Path.Combine(Folder(uuid), "created");

    /// <summary>
    /// Records that <paramref name="uuid"/> was created at <paramref name="at"/> and has no history anywhere yet. Creating
    /// a database costs only this: its file and change log are made by its first open. Not synced: a marker lost in a crash
    /// only means the first open asks the object store, which has nothing for it.
    /// </summary>
    public void MarkCreated(string uuid, DateTimeOffset at)
    {
        Directory.CreateDirectory(Folder(uuid));
        // CreateNew, not WriteAllText: FileMode.Create truncates the new file with ftruncate after opening it, and ext4 then
        // starts writeback when it closes (its replace-by-truncate heuristic) — a profile put that at a fifth of a create's CPU.
        using var marker = new FileStream(CreatedMarker(uuid), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        marker.Write(System.Text.Encoding.ASCII.GetBytes(at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>When <paramref name="uuid"/> was created, if it has never been opened since; else null.</summary>
    public DateTimeOffset? CreatedNotOpened(string uuid)
    {
        try
        {
            return long.TryParse(System.IO.File.ReadAllText(CreatedMarker(uuid)), out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Forgets the creation marker once the database has opened (its history has begun).</summary>
    public void Opened(string uuid) => System.IO.File.Delete(CreatedMarker(uuid));
}
