namespace Atoll.Server.Transfers;

/// <summary>Absolute, signed URLs on this server for uploads and downloads, built from the request the client sent.</summary>
public static class TransferUrls
{
    /// <summary>The path prefix of upload and download URLs; they need no API token, only their signature.</summary>
    public const string Prefix = "/atoll/transfers";

    /// <summary>Scheme, host and path base of the request: where the client reached this server.</summary>
    public static Origin OriginOf(HttpRequest request) => new($"{request.Scheme}://{request.Host}", request.PathBase.Value ?? "");

    /// <summary>The PUT URL for an import file.</summary>
    public static string Upload(Origin origin, TransferSigner signer, string uuid, string fileName)
        => Signed(origin, signer, "PUT", $"{Prefix}/uploads/{uuid}/{fileName}");

    /// <summary>The GET URL of an export file.</summary>
    public static string Download(Origin origin, TransferSigner signer, string uuid, string fileName)
        => Signed(origin, signer, "GET", $"{Prefix}/exports/{uuid}/{fileName}");

    static string Signed(Origin origin, TransferSigner signer, string method, string path)
    {
        var fullPath = origin.PathBase + path;
        return $"{origin.Authority}{fullPath}{signer.Sign(method, fullPath)}";
    }

    /// <summary>Where a client reached the server, kept past the request for URLs made when a job finishes (on any node).</summary>
    [GenerateSerializer, Immutable, Alias("atoll.transfer-origin")]
    public sealed record Origin([property: Id(0)] string Authority, [property: Id(1)] string PathBase);
}
