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
        IGrainFactory grains, TransferPolls polls)
    {
        var (_, database) = await auth.ForDatabaseAsync(context.Request, accountId, databaseId);
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body.OptionalString("output_format") != "polling")
            throw ApiException.BadRequest("Field \"output_format\" must be \"polling\".");
        var options = DumpOptionsOf(body);
        var uuid = database.Uuid;
        if (body.OptionalString("current_bookmark") is { } current)
        {
            if (!Bookmark.TryParse(current, out _)) throw ApiException.BadRequest($"Invalid bookmark '{current}'.");
            return await polls.PollAsync(grains.GetGrain<ITransferJobGrain>(ExportWork.Key(uuid, current, options)), current,
                $"No export with these dump_options is running at bookmark {current}: start a new one without current_bookmark.", context.RequestAborted);
        }
        var atBookmark = await grains.GetGrain<IDatabaseGrain>(uuid).GetBookmark();
        var job = grains.GetGrain<ITransferJobGrain>(ExportWork.Key(uuid, atBookmark, options));
        return (await job.Start(new ExportWork(uuid, options, atBookmark, TransferUrls.OriginOf(context.Request)), context.RequestAborted)).ToResult();
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
}
