using Atoll.Server.Api;
using Atoll.Server.Auth;
using Atoll.Server.Grains;

namespace Atoll.Server.TimeTravel;

/// <summary>
/// Beyond D1: <c>GET …/{database_id}/time_travel/timeline</c>, the retained history (commits per minute, restores,
/// snapshots, earliest and current bookmark) that the dashboard draws and restores from.
/// </summary>
public static class TimelineApi
{
    /// <summary>Maps the timeline route.</summary>
    public static IEndpointRouteBuilder MapTimelineApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/client/v4/accounts/{accountId}/d1/database/{databaseId}/time_travel/timeline", Timeline).WithTags("Time Travel")
            .WithSummary("Commits per minute, restores and snapshots still within retention.");
        return app;
    }

    static async Task<IResult> Timeline(string accountId, string databaseId, HttpRequest request, TokenAuthenticator auth, IGrainFactory grains)
    {
        var (_, database) = await auth.ForDatabaseAsync(request, accountId, databaseId);
        var reply = await grains.GetGrain<IDatabaseGrain>(database.Uuid).Timeline();
        if (reply.Timeline is not { } timeline)
            return Envelope.Error(ApiException.StatusOf(reply.ErrorCode!.Value), (int)reply.ErrorCode.Value, reply.Error!);
        return Envelope.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("current", timeline.Current);
            json.WriteString("earliest", timeline.Earliest);
            json.WriteStartArray("minutes");
            foreach (var minute in timeline.Minutes)
            {
                json.WriteStartObject();
                json.WriteString("minute", DateTimeOffset.FromUnixTimeMilliseconds(minute.MinuteMs).UtcDateTime.ToString("O"));
                json.WriteNumber("commits", minute.Commits);
                json.WriteString("last_bookmark", minute.LastBookmark);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            WritePoints(json, "restores", timeline.Restores);
            WritePoints(json, "snapshots", timeline.Snapshots);
            json.WriteEndObject();
        });
    }

    static void WritePoints(System.Text.Json.Utf8JsonWriter json, string name, IReadOnlyList<Atoll.Engine.TimelinePoint> points)
    {
        json.WriteStartArray(name);
        foreach (var point in points)
        {
            json.WriteStartObject();
            json.WriteString("bookmark", point.Bookmark);
            json.WriteString("at", DateTimeOffset.FromUnixTimeMilliseconds(point.AtMs).UtcDateTime.ToString("O"));
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
