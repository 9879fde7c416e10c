using System.Collections.Frozen;
using System.Reflection;

namespace Atoll.Server.Dashboard;

/// <summary>
/// The dashboard's static files, embedded in the server assembly (<c>Dashboard/Assets/</c>): nothing to deploy beside the
/// binary, nothing fetched from elsewhere. Read once at start; each is served with an ETag.
/// </summary>
internal sealed class DashboardAssets
{
    const string Prefix = "dashboard/";

    readonly FrozenDictionary<string, (byte[] Content, string ContentType, string ETag)> _files;

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, (byte[], string, string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var etag = $"\"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content))[..16]}\"";
            files[name[Prefix.Length..]] = (content, ContentType(name), etag);
        }
        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The asset's bytes, content type and ETag, or false for an unknown name.</summary>
    public bool TryGet(string name, out (byte[] Content, string ContentType, string ETag) file) => _files.TryGetValue(name, out file);

    static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
