using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Atoll.Engine;
using Atoll.Server.Api;
using Atoll.Server.Auth;
using Atoll.Server.Grains;
using Atoll.Server.Transfers;

namespace Atoll.Server.Export;

/// <summary>
/// <c>POST …/d1/database/{database_id}/export</c> with <c>output_format: "polling"</c>: dumps the database from a reader
/// snapshot (writes carry on, unlike D1), long-polls until done, then hands out a signed <c>signed_url</c> valid for an hour.
/// </summary>
/// <seealso href="https://developers.cloudflare.com/api/resources/d1/subresources/database/methods/export/"/>
public static class ExportApi
{
    /// <summary>Maps the export route.</summary>
    public static IEndpointRouteBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/client/v4/accounts/{accountId}/d1/database/{databaseId}/export", Export).WithTags("Databases");
        return app;
    }

    static async Task<IResult> Export(string accountId, string databaseId, HttpContext context, TokenAuthenticator auth, RequestBody bodies,
        IGrainFactory grains, TransferFiles files, NodeFiles nodeFiles, TransferSigner signer, TransferJobs jobs, ILoggerFactory loggers)
    {
        var (_, database) = await auth.ForDatabaseAsync(context.Request, accountId, databaseId);
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body.OptionalString("output_format") != "polling")
            throw ApiException.BadRequest("Field \"output_format\" must be \"polling\".");
        var options = DumpOptionsOf(body);
        var uuid = database.Uuid;
        var grain = grains.GetGrain<IDatabaseGrain>(uuid);
        string atBookmark;
        if (body.OptionalString("current_bookmark") is { } current)
        {
            atBookmark = current;
            if (!Bookmark.TryParse(atBookmark, out _)) throw ApiException.BadRequest($"Invalid bookmark '{atBookmark}'.");
            if (jobs.Find(JobKey(uuid, atBookmark, options)) is null)
                return TransferJob.PollingFailure($"No export with these dump_options is running at bookmark {atBookmark}: start a new one without current_bookmark.");
        }
        else
        {
            atBookmark = await grain.GetBookmark();
        }
        var key = JobKey(uuid, atBookmark, options);
        var origin = TransferUrls.OriginOf(context.Request);
        var job = jobs.Find(key) is { } known && (known.FinishedAt is null || known.FinishedAt > DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1))
            ? known
            : jobs.Start(key, () => new TransferJob("export", key, atBookmark), async job =>
            {
                files.Sweep(TransferSigner.Lifetime);
                var fileName = $"{uuid}-{atBookmark}{Suffix(options)}.sql";
                var path = files.Export(uuid, fileName);
                job.Report($"Generating {fileName}");
                var reply = await grain.Export(options);
                if (reply.Error is not null || reply.File is null)
                {
                    job.Fail(reply.Error ?? "The export produced no file.");
                    return;
                }
                await FetchAsync(nodeFiles, reply.File, path);
                var url = TransferUrls.Download(origin, signer, uuid, fileName);
                job.Complete(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("filename", fileName);
                    json.WriteString("signed_url", url);
                    json.WriteEndObject();
                }, $"Finished uploading {fileName} ({reply.Bytes} bytes, {reply.Statements} statements, at bookmark {reply.Bookmark}).");
            }, loggers.CreateLogger("Atoll.Export"));
        return await job.PollAsync(context.RequestAborted);
    }

    /// <summary>
    /// Puts the dump staged on the database's node at <paramref name="path"/>, where the signed URL serves it: renamed when
    /// that node is this one, else copied in parts from it; the staged file is deleted either way.
    /// </summary>
    static async Task FetchAsync(NodeFiles nodeFiles, NodeFile staged, string path)
    {
        if (nodeFiles.LocalPath(staged) is { } local)
        {
            File.Move(local, path, overwrite: true);
            return;
        }
        var partial = TransferFiles.Partial(path);
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true))
                await nodeFiles.CopyAsync(staged, file, CancellationToken.None);
            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
            await nodeFiles.DeleteAsync(staged);
        }
    }

    static DumpOptions DumpOptionsOf(JsonBody body)
    {
        if (body.OptionalObject("dump_options") is not { } dump) return new DumpOptions();
        var tables = dump.OptionalStrings("tables") ?? [];
        if (dump.OptionalString("compatibility") is { } mode && mode != "d1")
            throw ApiException.BadRequest($"dump_options.compatibility \"{mode}\" is not supported: Atoll writes D1's format, which includes virtual tables.");
        var options = new DumpOptions { NoSchema = dump.OptionalBool("no_schema"), NoData = dump.OptionalBool("no_data"), Tables = [.. tables] };
        if (options.NoSchema && options.NoData) throw ApiException.BadRequest("dump_options.no_schema and no_data cannot both be true.");
        return options;
    }

    static string JobKey(string uuid, string bookmark, DumpOptions options) => $"export:{uuid}:{bookmark}{Suffix(options)}";

    /// <summary>Tells apart exports of one bookmark with different options; empty for a whole dump.</summary>
    static string Suffix(DumpOptions options)
    {
        if (!options.NoSchema && !options.NoData && options.Tables.Count == 0) return "";
        var text = $"{options.NoSchema}|{options.NoData}|{string.Join('\u0001', options.Tables)}";
        return "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
    }
}
