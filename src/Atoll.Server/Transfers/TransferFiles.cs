using Atoll.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Transfers;

/// <summary>
/// Where uploaded import files and finished exports wait: <c>&lt;data&gt;/transfers/uploads/&lt;uuid&gt;/&lt;etag&gt;.sql</c> and
/// <c>&lt;data&gt;/transfers/exports/&lt;uuid&gt;/&lt;file&gt;</c>. Files older than a signed URL's lifetime are swept away.
/// </summary>
public sealed class TransferFiles(IOptions<AtollServerOptions> options)
{
    readonly string _root = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "transfers");

    /// <summary>The verified upload of <paramref name="etag"/> for a database.</summary>
    public string Upload(string uuid, string etag) => Path.Combine(Folder("uploads", uuid), etag + ".sql");

    /// <summary>A finished export file.</summary>
    public string Export(string uuid, string fileName) => Path.Combine(Folder("exports", uuid), fileName);

    /// <summary>A fresh temporary name next to <paramref name="path"/>, renamed into place once complete.</summary>
    public static string Partial(string path) => $"{path}.{Guid.NewGuid():N}.partial";

    /// <summary>Deletes a database's waiting files (when the database is deleted).</summary>
    public void DeleteAll(string uuid)
    {
        foreach (var kind in (string[])["uploads", "exports"])
        {
            var folder = Path.Combine(_root, kind, Guid.Parse(uuid).ToString());
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Deletes files older than <paramref name="age"/>; a best effort, so files in use stay.</summary>
    public void Sweep(TimeSpan age)
    {
        if (!Directory.Exists(_root)) return;
        var oldest = DateTime.UtcNow - age;
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < oldest) File.Delete(file);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    string Folder(string kind, string uuid)
    {
        var folder = Path.Combine(_root, kind, Guid.Parse(uuid).ToString());
        Directory.CreateDirectory(folder);
        return folder;
    }
}
