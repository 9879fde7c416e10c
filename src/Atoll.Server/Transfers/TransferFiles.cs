using System.Text.RegularExpressions;
using Atoll.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Transfers;

/// <summary>
/// Where uploaded import files, finished exports and staged files wait: <c>&lt;data&gt;/transfers/uploads/&lt;uuid&gt;/&lt;etag&gt;.sql</c>,
/// <c>&lt;data&gt;/transfers/exports/&lt;uuid&gt;/&lt;file&gt;</c> and <c>&lt;data&gt;/transfers/staging/&lt;32 hex&gt;.&lt;sql|sqlite&gt;</c>
/// (a dump, a backup, or an upload copied to the node that runs it). A file is named by its path under <c>transfers/</c>, so another
/// node can ask for it (<see cref="NodeFile"/>); <see cref="ShareablePath"/> resolves only the names of uploads, exports and staged files. Files older than
/// a signed URL's lifetime are swept away.
/// </summary>
public sealed partial class TransferFiles(IOptions<AtollServerOptions> options)
{
    const string Staging = "staging";

    readonly string _root = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "transfers");

    // Names another node may ask for: an upload (its etag), a finished export (a uuid, a bookmark and an options hash) or a
    // staged file. Behind a load balancer the ingest, or the download, may reach another node than the one holding the file.
    [GeneratedRegex("^(?:(?:uploads|exports)/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[0-9a-f][0-9a-f-]*\\.sql|staging/[0-9a-f]{32}\\.(?:sql|sqlite))\\z")]
    private static partial Regex ShareableName();

    /// <summary>The verified upload of <paramref name="etag"/> for a database.</summary>
    public string Upload(string uuid, string etag) => Path.Combine(Folder("uploads", uuid), etag + ".sql");

    /// <summary>The name (under <c>transfers/</c>) of the upload of <paramref name="etag"/>.</summary>
    public static string UploadName(string uuid, string etag) => $"uploads/{Guid.Parse(uuid)}/{etag}.sql";

    /// <summary>A finished export file.</summary>
    public string Export(string uuid, string fileName) => Path.Combine(Folder("exports", uuid), fileName);

    /// <summary>The name (under <c>transfers/</c>) of the finished export <paramref name="fileName"/>.</summary>
    public static string ExportName(string uuid, string fileName) => $"exports/{Guid.Parse(uuid)}/{fileName}";

    /// <summary>
    /// The names (under <c>transfers/</c>) of this node's files another node may need once this one left, younger than
    /// <paramref name="age"/>, newest first: uploads not yet imported (their <c>ingest</c> may come through any node) and
    /// finished exports (their download too).
    /// </summary>
    public IReadOnlyList<string> HandOver(TimeSpan age)
    {
        var oldest = DateTime.UtcNow - age;
        return [.. new[] { "uploads", "exports" }.Select(kind => Path.Combine(_root, kind)).Where(Directory.Exists)
            .SelectMany(folder => new DirectoryInfo(folder).EnumerateFiles("*.sql", SearchOption.AllDirectories))
            .Where(f => f.LastWriteTimeUtc >= oldest)
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .Select(f => Path.GetRelativePath(_root, f.FullName).Replace('\\', '/'))
            .Where(name => ShareableName().IsMatch(name))];
    }

    /// <summary>A fresh temporary name next to <paramref name="path"/>, renamed into place once complete.</summary>
    public static string Partial(string path) => $"{path}.{Guid.NewGuid():N}.partial";

    /// <summary>A fresh staged file's name, <c>staging/&lt;32 hex&gt;.&lt;extension&gt;</c> (<c>sql</c> or <c>sqlite</c>); its folder exists.</summary>
    public string NewStaged(string extension)
    {
        Directory.CreateDirectory(Path.Combine(_root, Staging));
        return $"{Staging}/{Guid.NewGuid():N}.{extension}";
    }

    /// <summary>The local path of a file another node may read (an upload, an export or a staged file); null for any other name.</summary>
    public string? ShareablePath(string name) => ShareableName().IsMatch(name) ? Resolve(name) : null;

    /// <summary>True for a staged file's name (only those are deleted at another node's request).</summary>
    public static bool IsStaged(string name) => name.StartsWith(Staging + "/", StringComparison.Ordinal);

    string Resolve(string name) => Path.Combine(_root, name);

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
