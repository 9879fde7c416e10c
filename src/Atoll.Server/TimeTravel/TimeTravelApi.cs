using System.Globalization;
using System.Text.Json;
using Atoll.Engine;
using Atoll.Server.Api;
using Atoll.Server.Auth;
using Atoll.Server.Catalog;
using Atoll.Server.Grains;
using Atoll.Server.Hosting;

namespace Atoll.Server.TimeTravel;

/// <summary>
/// D1's Time Travel (<c>…/{database_id}/time_travel/bookmark</c>, <c>…/time_travel/restore</c>) and, beyond D1,
/// <c>POST …/{database_id}/fork</c>: a new database from any bookmark or timestamp.
/// </summary>
/// <seealso href="https://developers.cloudflare.com/d1/reference/time-travel/"/>
public static class TimeTravelApi
{
    /// <summary>Maps the Time Travel routes.</summary>
    public static IEndpointRouteBuilder MapTimeTravelApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/client/v4/accounts/{accountId}/d1/database/{databaseId}").WithTags("Time Travel");
        api.MapGet("/time_travel/bookmark", GetBookmark);
        api.MapPost("/time_travel/restore", Restore);
        api.MapPost("/fork", Fork);
        return app;
    }

    static async Task<IResult> GetBookmark(string accountId, string databaseId, HttpRequest request, TokenAuthenticator auth, IGrainFactory grains)
    {
        var (_, database) = await auth.ForDatabaseAsync(request, accountId, databaseId);
        var reply = await grains.GetGrain<IDatabaseGrain>(database.Uuid).BookmarkAt(Timestamp(request));
        return reply.ErrorCode is { } code ? Failure(code, reply.Error!) : Envelope.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("bookmark", reply.Bookmark);
            json.WriteEndObject();
        });
    }

    static async Task<IResult> Restore(string accountId, string databaseId, HttpContext context, TokenAuthenticator auth, IGrainFactory grains)
    {
        var (token, database) = await auth.ForDatabaseAsync(context.Request, accountId, databaseId);
        TokenAuthenticator.RequireEdit(token);
        var grain = grains.GetGrain<IDatabaseGrain>(database.Uuid);
        var bookmark = await BookmarkFromQuery(context.Request, grain);
        if (bookmark.Error is { } error) return error;
        var reply = await grain.Restore(bookmark.Value!, context.RequestAborted);
        return reply.ErrorCode is { } code ? Failure(code, reply.Error!) : Envelope.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("bookmark", reply.Bookmark);
            json.WriteString("previous_bookmark", reply.PreviousBookmark);
            json.WriteString("message", "Database restored successfully");
            json.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>{"name": "new-db", "bookmark": "…"}</c> or <c>{"name", "timestamp"}</c> (neither: the current state). The new
    /// database is in the same account; the reply is its database object with <c>forked_from</c>.
    /// </summary>
    static async Task<IResult> Fork(string accountId, string databaseId, HttpContext context, TokenAuthenticator auth, IGrainFactory grains,
        ICatalog catalog, RequestBody bodies, DatabaseFiles files, ChangeLogSettings changeLogs)
    {
        var (token, source) = await auth.ForDatabaseAsync(context.Request, accountId, databaseId);
        TokenAuthenticator.RequireAccountEditor(token, "create databases");
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        var name = body.RequiredString("name", "the new database's name");
        // Checked before any work: the catalog refuses it too, but only after the fork's bookmark was looked up.
        if (!DatabaseName.IsValid(name)) throw ApiException.BadRequest(DatabaseName.Rule);
        var grain = grains.GetGrain<IDatabaseGrain>(source.Uuid);
        string bookmark;
        if (body.OptionalString("bookmark") is { } given) bookmark = given;
        else
        {
            var at = body.OptionalString("timestamp") is { } timestamp ? ParseTimestamp(timestamp) : (DateTimeOffset?)null;
            var found = await grain.BookmarkAt(at);
            if (found.ErrorCode is { } code) return Failure(code, found.Error!);
            bookmark = found.Bookmark!;
        }
        var created = await catalog.CreateDatabaseAsync(accountId, name,
            new DatabasePlacement(source.LocationHint, source.Jurisdiction, "disabled"), context.RequestAborted);
        var reply = await grain.Fork(bookmark, created.Uuid, context.RequestAborted);
        if (reply.ErrorCode is { } failed)
        {
            await catalog.DeleteDatabaseAsync(created, CancellationToken.None);
            await Database.DeleteAsync(files.File(created.Uuid), changeLogs.For(created.Uuid));
            return Failure(failed, reply.Error!);
        }
        var stats = await grains.GetGrain<IDatabaseGrain>(created.Uuid).GetStats();
        return Envelope.Ok(json =>
        {
            json.WriteStartObject();
            json.WritePropertyName("database");
            DatabaseJson.Write(json, created, stats);
            json.WriteStartObject("forked_from");
            json.WriteString("uuid", source.Uuid);
            json.WriteString("bookmark", reply.Bookmark);
            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    static async Task<(string? Value, IResult? Error)> BookmarkFromQuery(HttpRequest request, IDatabaseGrain grain)
    {
        var bookmark = request.Query["bookmark"].ToString();
        var timestamp = Timestamp(request);
        if (bookmark.Length > 0 && timestamp is not null) throw ApiException.BadRequest("Give either bookmark or timestamp, not both.");
        if (bookmark.Length > 0) return (bookmark, null);
        if (timestamp is null) throw ApiException.BadRequest("A restore needs a bookmark or a timestamp query parameter.");
        var found = await grain.BookmarkAt(timestamp);
        return found.ErrorCode is { } code ? (null, Failure(code, found.Error!)) : (found.Bookmark, null);
    }

    static DateTimeOffset? Timestamp(HttpRequest request)
    {
        var text = request.Query["timestamp"].ToString();
        return text.Length == 0 ? null : ParseTimestamp(text);
    }

    /// <summary>RFC 3339 / ISO 8601, or unix seconds (or milliseconds), as wrangler accepts them.</summary>
    static DateTimeOffset ParseTimestamp(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
            return unix > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(unix) : DateTimeOffset.FromUnixTimeSeconds(unix);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed
            : throw ApiException.BadRequest($"'{text}' is not a timestamp: use RFC 3339 (2026-11-30T12:00:00Z) or unix seconds.");
    }


    static IResult Failure(D1ErrorCode code, string message) => Envelope.Error(ApiException.StatusOf(code), (int)code, message);
}
