using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Atoll.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Transfers;

/// <summary>
/// Signs and checks the presigned-style URLs of uploads and downloads: HMAC-SHA256 over method, path and expiry,
/// keyed by a secret that outlives a restart: one node's is kept in its data directory (<c>transfer-secret</c>); a
/// cluster's is one for every node, kept in its PostgreSQL (<see cref="Cluster.PostgresTransferSecret"/>), so a URL one
/// node signed is good on any other.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class TransferSigner
{
    /// <summary>How long a signed URL stays valid (D1's export link: one hour).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    readonly byte[] _secret;
    readonly TimeProvider _time;

    /// <summary>Signs with the data directory's secret, creating it on first start.</summary>
    public TransferSigner(IOptions<AtollServerOptions> options, TimeProvider time) : this(FileSecret(options.Value.DataDirectory), time)
    {
    }

    /// <summary>Signs with <paramref name="secret"/>.</summary>
    public TransferSigner(byte[] secret, TimeProvider time)
    {
        _secret = secret;
        _time = time;
    }

    /// <summary>The secret kept in <c>&lt;data&gt;/transfer-secret</c>, created on first start.</summary>
    static byte[] FileSecret(string dataDirectory)
    {
        var directory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "transfer-secret");
        if (!File.Exists(file))
        {
            var created = Path.Combine(directory, $"transfer-secret.{Guid.NewGuid():N}");
            File.WriteAllText(created, RandomNumberGenerator.GetHexString(64, lowercase: true) + "\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(created, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try { File.Move(created, file); } catch (IOException) { File.Delete(created); } // another process won the race
        }
        return Convert.FromHexString(File.ReadAllText(file).Trim());
    }

    /// <summary>The query string (<c>?expires=…&amp;signature=…</c>) that lets <paramref name="method"/> on <paramref name="path"/> through until it expires.</summary>
    public string Sign(string method, string path)
    {
        var expires = (_time.GetUtcNow() + Lifetime).ToUnixTimeSeconds();
        return $"?expires={expires}&signature={Signature(method, path, expires)}";
    }

    /// <summary>Null when the request carries a valid, unexpired signature for its method and path; otherwise why not.</summary>
    public string? Check(HttpRequest request)
    {
        var expiresText = request.Query["expires"].ToString();
        var signature = request.Query["signature"].ToString();
        if (expiresText.Length == 0 || signature.Length == 0) return "the URL is not signed (expires and signature are missing)";
        if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return "the URL's expires is not a number";
        var expected = Signature(request.Method, request.Path.Value ?? "", expires);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
            return "the URL's signature does not match";
        if (_time.GetUtcNow().ToUnixTimeSeconds() > expires) return "the URL has expired";
        return null;
    }

    string Signature(string method, string path, long expires)
        => Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()}\n{path}\n{expires}")));
}
