using Microsoft.Extensions.Options;

namespace Atoll.Server.Hosting;

/// <summary>Where each database's files live: <c>&lt;data&gt;/databases/&lt;uuid&gt;/db.sqlite</c>.</summary>
public sealed class DatabaseFiles(IOptions<AtollServerOptions> options)
{
    /// <summary>The folder holding every database.</summary>
    public string Root { get; } = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "databases");

    /// <summary>The folder of one database (its file, WAL and later its log segments).</summary>
    public string Folder(string uuid) => Path.Combine(Root, Guid.Parse(uuid).ToString());

    /// <summary>The SQLite file of one database.</summary>
    public string File(string uuid) => Path.Combine(Folder(uuid), "db.sqlite");
}
