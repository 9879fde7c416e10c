using System.Text.Json;
using System.Text.RegularExpressions;
using Atoll.Engine;
using Atoll.Server.Api;
using Atoll.Server.Auth;
using Atoll.Server.Catalog;
using Atoll.Server.Grains;
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
        IGrainFactory grains, TransferFiles files, NodeFiles nodeFiles, TransferSigner signer, TransferJobs jobs, ILoggerFactory loggers)
    {
        var (token, database) = await auth.ForDatabaseAsync(context.Request, accountId, databaseId);
        TokenAuthenticator.RequireEdit(token);
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        var action = body.OptionalString("action");
        var uuid = database.Uuid;
        switch (action)
        {
            case "init":
            {
                var etag = Etag(body);
                var path = files.Upload(uuid, etag);
                if (!File.Exists(path))
                {
                    var fileName = etag + ".sql";
                    return Envelope.Ok(json =>
                    {
                        json.WriteStartObject();
                        json.WriteString("filename", fileName);
                        json.WriteString("upload_url", TransferUrls.Upload(TransferUrls.OriginOf(context.Request), signer, uuid, fileName));
                        json.WriteEndObject();
                    });
                }
                // D1 skips the upload of a file it already has and starts at once.
                return await (await Start(uuid, etag, path, grains, nodeFiles, jobs, loggers)).PollAsync(context.RequestAborted);
            }
            case "ingest":
            {
                var etag = Etag(body);
                var fileName = body.OptionalString("filename") ?? throw ApiException.BadRequest("Missing required field \"filename\" (from the init response).");
                if (!string.Equals(fileName, etag + ".sql", StringComparison.OrdinalIgnoreCase))
                    throw ApiException.BadRequest($"Unknown filename '{fileName}': it does not match the etag (expected '{etag}.sql' from the init response).");
                var path = files.Upload(uuid, etag);
                if (!File.Exists(path))
                    throw ApiException.BadRequest($"No file '{fileName}' was uploaded: PUT it to the upload_url from the init response first.");
                return await (await Start(uuid, etag, path, grains, nodeFiles, jobs, loggers)).PollAsync(context.RequestAborted);
            }
            case "poll":
            {
                var bookmark = body.OptionalString("current_bookmark")
                    ?? throw ApiException.BadRequest("Missing required field \"current_bookmark\" (the at_bookmark of the last response).");
                if (!Bookmark.TryParse(bookmark, out _)) throw ApiException.BadRequest($"Invalid bookmark '{bookmark}'.");
                var job = jobs.Find(JobKey(uuid));
                if (job is null || job.AtBookmark != bookmark) return TransferJob.PollingFailure(NotImporting);
                return await job.PollAsync(context.RequestAborted);
            }
            default:
                throw ApiException.BadRequest("Field \"action\" must be \"init\", \"ingest\" or \"poll\".");
        }
    }

    static async Task<TransferJob> Start(string uuid, string etag, string path, IGrainFactory grains, NodeFiles nodeFiles, TransferJobs jobs,
        ILoggerFactory loggers)
    {
        var grain = grains.GetGrain<IDatabaseGrain>(uuid);
        var atBookmark = await grain.GetBookmark();
        return jobs.Start(JobKey(uuid), () => new TransferJob("import", JobKey(uuid), atBookmark), async job =>
        {
            job.Report($"Processing {Path.GetFileName(path)} ({new FileInfo(path).Length} bytes) as one transaction");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow); // keep it from the sweep while it runs
            // Named on this node: the database's node, wherever it is, reads the file from here.
            var reply = await grain.Import(nodeFiles.Here(TransferFiles.UploadName(uuid, etag)));
            if (!reply.Success)
            {
                job.Fail(reply.Error!,
                    $"Statement {reply.FailedStatement} failed: {reply.FailedSql}",
                    "The import was rolled back: the database is exactly as it was before.");
                return;
            }
            job.Complete(json => WriteResult(json, reply),
                $"Imported {reply.NumQueries} statements in {reply.DurationMs:0.##} ms ({reply.RowsRead} rows read, {reply.RowsWritten} rows written)");
        }, loggers.CreateLogger("Atoll.Import"));
    }

    static void WriteResult(Utf8JsonWriter json, ImportReply reply)
    {
        json.WriteStartObject();
        json.WriteString("final_bookmark", reply.Bookmark);
        json.WriteNumber("num_queries", reply.NumQueries);
        json.WriteStartObject("meta");
        json.WriteString("served_by", "atoll");
        json.WriteNumber("duration", Math.Round(reply.DurationMs, 4));
        json.WriteNumber("changes", reply.Changes);
        json.WriteNumber("last_row_id", reply.LastRowId);
        json.WriteBoolean("changed_db", reply.ChangedDb);
        json.WriteNumber("size_after", reply.SizeAfter);
        json.WriteNumber("rows_read", reply.RowsRead);
        json.WriteNumber("rows_written", reply.RowsWritten);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    static string JobKey(string uuid) => "import:" + uuid;

    static string Etag(JsonBody body)
    {
        var etag = body.OptionalString("etag") ?? throw ApiException.BadRequest("Missing required field \"etag\" (the MD5 of the file, as 32 hex digits).");
        return Md5Hex().IsMatch(etag) ? etag.ToLowerInvariant()
            : throw ApiException.BadRequest($"Invalid etag '{etag}': it must be the file's MD5 as 32 hex digits.");
    }
}
