using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Atoll.Server.Api;

/// <summary>
/// <c>Idempotency-Key</c> on a REST query (Atoll's own; D1 has none): a client that resends a write after a lost answer
/// (a timeout, a dropped connection) with the same key and the same body gets the first answer back, not a second run,
/// within <see cref="Atoll.Engine.QueryRequest.ReceiptWindow"/> of the first commit. It becomes the request's id, which the
/// commit's write receipt keeps in the change log (docs/rest-api.md).
/// </summary>
public static class IdempotencyKey
{
    /// <summary>The request header (the name of the IETF draft's).</summary>
    public const string Header = "Idempotency-Key";

    /// <summary>The longest key taken.</summary>
    public const int MaxLength = 255;

    /// <summary>
    /// The request id for <paramref name="header"/> and <paramref name="body"/>, or null without the header. The body is part
    /// of it: the same key with another body is another request, never answered with the first one's result.
    /// </summary>
    /// <exception cref="ApiException">More than one key, an empty or longer one, or characters other than visible ASCII.</exception>
    public static Guid? RequestId(StringValues header, ReadOnlySpan<byte> body)
    {
        if (header.Count == 0) return null;
        if (header.Count > 1) throw ApiException.BadRequest($"Send one {Header} header, not {header.Count}.");
        var key = header[0] ?? "";
        if (key.Length is 0 or > MaxLength || key.Any(c => c is < '!' or > '~'))
            throw ApiException.BadRequest($"{Header} must be 1 to {MaxLength} visible ASCII characters (no spaces).");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.ASCII.GetBytes(key));
        hash.AppendData([0]);
        hash.AppendData(body);
        return new Guid(hash.GetHashAndReset().AsSpan(0, 16));
    }
}
