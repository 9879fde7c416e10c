using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Atoll.Engine;
using Atoll.Server.Api;
using Atoll.Server.Catalog;
using Microsoft.AspNetCore.Http.Features;

namespace Atoll.Server.Transfers;

/// <summary>
/// The signed URLs themselves: <c>PUT /atoll/transfers/uploads/{uuid}/{etag}.sql</c> streams an import file to disk,
/// checking its MD5 as it goes, and answers 200 with the <c>ETag</c>; <c>GET /atoll/transfers/exports/{uuid}/{file}</c>
/// streams a finished export. Neither takes an API token: the URL's signature and expiry are the credential.
/// </summary>
public static partial class TransfersApi
{
    /// <summary>Largest import file accepted (D1's limit: 5 GB).</summary>
    public const long MaxUploadBytes = 5_000_000_000;

    [GeneratedRegex("^([0-9a-f]{32})\\.sql$")]
    private static partial Regex UploadName();

    /// <summary>Maps the upload and download routes.</summary>
    public static IEndpointRouteBuilder MapTransfersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(TransferUrls.Prefix).WithTags("Transfers");
        api.MapPut("/uploads/{uuid}/{fileName}", Upload);
        api.MapGet("/exports/{uuid}/{fileName}", Download);
        return app;
    }

    static async Task<IResult> Upload(string uuid, string fileName, HttpContext context, TransferSigner signer, TransferFiles files, ICatalog catalog)
    {
        if (signer.Check(context.Request) is { } problem) return Forbidden(problem);
        var name = UploadName().Match(fileName);
        if (!name.Success || !Guid.TryParse(uuid, out _)) return Envelope.Error(StatusCodes.Status404NotFound, (int)D1ErrorCode.NotFound, "Not Found");
        if (await catalog.FindDatabaseByUuidAsync(uuid, context.RequestAborted) is null)
            return Envelope.Error(StatusCodes.Status404NotFound, (int)D1ErrorCode.NotFound, $"Not Found: no database '{uuid}'");
        if (context.Request.ContentLength > MaxUploadBytes) return TooLarge();
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxUploadBytes;

        var etag = name.Groups[1].Value;
        var path = files.Upload(uuid, etag);
        var partial = TransferFiles.Partial(path);
        try
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            long length = 0;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                var buffer = new byte[128 * 1024];
                int read;
                while ((read = await ReadAsync(context, buffer)) > 0)
                {
                    length += read;
                    if (length > MaxUploadBytes) return TooLarge();
                    md5.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                }
            }
            var actual = Convert.ToHexStringLower(md5.GetHashAndReset());
            if (actual != etag)
                return Envelope.Error(StatusCodes.Status400BadRequest, (int)D1ErrorCode.BadRequest,
                    $"The uploaded file's MD5 is {actual}, not the etag {etag} this URL was issued for: upload the same file you called init with.");
            File.Move(partial, path, overwrite: true);
            context.Response.Headers.ETag = $"\"{actual}\"";
            return Envelope.Ok(json =>
            {
                json.WriteStartObject();
                json.WriteString("filename", fileName);
                json.WriteNumber("size", length);
                json.WriteString("etag", actual);
                json.WriteEndObject();
            });
        }
        finally
        {
            File.Delete(partial);
        }
    }

    static async Task<IResult> Download(string uuid, string fileName, HttpContext context, TransferSigner signer, TransferFiles files, NodeFiles nodeFiles)
    {
        if (signer.Check(context.Request) is { } problem) return Forbidden(problem);
        if (!Guid.TryParse(uuid, out _) || fileName.Contains('/') || fileName.Contains('\\') || fileName.StartsWith('.'))
            return Envelope.Error(StatusCodes.Status404NotFound, (int)D1ErrorCode.NotFound, "Not Found");
        var path = files.Export(uuid, fileName);
        if (File.Exists(path)) return Results.File(path, "application/sql", fileName);
        // Behind a load balancer the download may reach another node than the one that ran the export: stream it from there.
        var name = TransferFiles.ExportName(uuid, fileName);
        if (files.ShareablePath(name) is not null && await nodeFiles.FindAsync(name) is (NodeFile file, long length))
        {
            context.Response.ContentLength = length;
            return Results.Stream(body => nodeFiles.CopyAsync(file, body, context.RequestAborted), "application/sql", fileName);
        }
        return Envelope.Error(StatusCodes.Status404NotFound, (int)D1ErrorCode.NotFound, "Not Found: the export was deleted or has expired");
    }

    static async ValueTask<int> ReadAsync(HttpContext context, byte[] buffer)
    {
        try
        {
            return await context.Request.Body.ReadAsync(buffer, context.RequestAborted);
        }
        catch (IOException ex) when (ex is not BadHttpRequestException && !context.RequestAborted.IsCancellationRequested)
        {
            throw RequestBody.Malformed(ex);
        }
    }

    static IResult Forbidden(string problem)
        => Envelope.Error(StatusCodes.Status403Forbidden, (int)D1ErrorCode.AccountNotAuthorized, $"Access denied: {problem}.");

    static IResult TooLarge()
        => Envelope.Error(StatusCodes.Status413PayloadTooLarge, (int)D1ErrorCode.PayloadTooLarge, $"The file is larger than D1's {MaxUploadBytes}-byte import limit.");
}
