using System.Text.RegularExpressions;
using Atoll.Engine;
using Atoll.Server.Api;
using Atoll.Server.Auth;
using Atoll.Server.Transfers;

namespace Atoll.Server.Import;

/// <summary>
/// <c>POST …/d1/database/{database_id}/import</c>: D1's import protocol — <c>init</c> (hands out a signed
/// <c>upload_url</c>), <c>ingest</c> (runs the uploaded file as one transaction) and <c>poll</c> (long-polls the job).
/// </summary>
/// <seealso href="https://developers.cloudflare.com/api/resources/d1/subresources/database/methods/import/"/>
public static partial class ImportApi
{
    /// <summary>D1's answer to a poll when no import runs.</summary>
    public const string NotImporting = "Not currently importing anything.";

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex Md5Hex();

    /// <summary>Maps the import route.</summary>
    public static IEndpointRouteBuilder MapImportApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/client/v4/accounts/{accountId}/d1/database/{databaseId}/import", Import).WithTags("Databases");
        return app;
    }

    static async Task<IResult> Import(string accountId, string databaseId, HttpContext context, TokenAuthenticator auth, RequestBody bodies,
        IGrainFactory grains, NodeFiles nodeFiles, TransferSigner signer, TransferPolls polls)
    {
        var (token, database) = await auth.ForDatabaseAsync(context.Request, accountId, databaseId);
        TokenAuthenticator.RequireEdit(token);
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        var action = body.OptionalString("action");
        var uuid = database.Uuid;
        var job = grains.GetGrain<ITransferJobGrain>(ImportWork.Key(uuid));
        switch (action)
        {
            case "init":
            {
                var etag = Etag(body);
                // D1 skips the upload of a file it already has and starts at once.
                if (await nodeFiles.FindAsync(TransferFiles.UploadName(uuid, etag)) is (NodeFile file, long length))
                    return (await job.Start(new ImportWork(uuid, file, length), context.RequestAborted)).ToResult();
                var fileName = etag + ".sql";
                return Envelope.Ok(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("filename", fileName);
                    json.WriteString("upload_url", TransferUrls.Upload(TransferUrls.OriginOf(context.Request), signer, uuid, fileName));
                    json.WriteEndObject();
                });
            }
            case "ingest":
            {
                var etag = Etag(body);
                var fileName = body.OptionalString("filename") ?? throw ApiException.BadRequest("Missing required field \"filename\" (from the init response).");
                if (!string.Equals(fileName, etag + ".sql", StringComparison.OrdinalIgnoreCase))
                    throw ApiException.BadRequest($"Unknown filename '{fileName}': it does not match the etag (expected '{etag}.sql' from the init response).");
                // The upload may have reached any node: the one that has it is found, and the database's node reads it from there.
                if (await nodeFiles.FindAsync(TransferFiles.UploadName(uuid, etag)) is not (NodeFile file, long length))
                    throw ApiException.BadRequest($"No file '{fileName}' was uploaded: PUT it to the upload_url from the init response first.");
                return (await job.Start(new ImportWork(uuid, file, length), context.RequestAborted)).ToResult();
            }
            case "poll":
            {
                var bookmark = body.OptionalString("current_bookmark")
                    ?? throw ApiException.BadRequest("Missing required field \"current_bookmark\" (the at_bookmark of the last response).");
                if (!Bookmark.TryParse(bookmark, out _)) throw ApiException.BadRequest($"Invalid bookmark '{bookmark}'.");
                return await polls.PollAsync(job, bookmark, NotImporting, context.RequestAborted);
            }
            default:
                throw ApiException.BadRequest("Field \"action\" must be \"init\", \"ingest\" or \"poll\".");
        }
    }

    static string Etag(JsonBody body)
    {
        var etag = body.OptionalString("etag") ?? throw ApiException.BadRequest("Missing required field \"etag\" (the MD5 of the file, as 32 hex digits).");
        return Md5Hex().IsMatch(etag) ? etag.ToLowerInvariant()
            : throw ApiException.BadRequest($"Invalid etag '{etag}': it must be the file's MD5 as 32 hex digits.");
    }
}
