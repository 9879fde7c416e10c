using System.Globalization;
using System.Text.Json;
using Atoll.Server.Analytics;
using Atoll.Server.Auth;
using Atoll.Server.Api;
using Atoll.Server.Observability;

namespace Atoll.Server.Dashboard;

/// <summary>
/// <c>GET …/{database_id}/metrics?hours=24</c>: one database's figures per hour for the dashboard's charts — queries and
/// rows from the analytics store (what <c>wrangler d1 info</c> shows), latency p50/p99 and size from
/// <see cref="DatabaseSamples"/>.
/// </summary>
public static class DatabaseMetricsApi
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapDatabaseMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/client/v4/accounts/{accountId}/d1/database/{databaseId}/metrics", Metrics).WithTags("Dashboard")
            .WithSummary("Per hour: read/write queries, rows read/written, latency p50/p99 (recent samples), file size.");
        return app;
    }

    static async Task<IResult> Metrics(string accountId, string databaseId, HttpRequest request, TokenAuthenticator auth, QueryStats stats,
        DatabaseSamples samples, TimeProvider clock)
    {
        var (_, database) = await auth.ForDatabaseAsync(request, accountId, databaseId);
        var hours = int.TryParse(request.Query["hours"], NumberStyles.None, CultureInfo.InvariantCulture, out var h) ? h : 24;
        if (hours is < 1 or > 24 * 31) throw ApiException.BadRequest("hours must be from 1 to 744.");
        var now = clock.GetUtcNow();
        var from = now.AddHours(-hours);
        var totals = stats.Hours([database.Uuid], from, now).ToDictionary(t => t.Hour.ToUnixTimeMilliseconds());
        var recent = samples.Hours(database.Uuid).Where(s => s.HourMs >= from.ToUnixTimeMilliseconds() - 3_600_000).ToDictionary(s => s.HourMs);
        var keys = totals.Keys.Union(recent.Keys).Order().ToList();
        return Envelope.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("database_id", database.Uuid);
            json.WriteStartArray("hours");
            foreach (var key in keys)
            {
                json.WriteStartObject();
                json.WriteString("hour", DateTimeOffset.FromUnixTimeMilliseconds(key).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                var total = totals.GetValueOrDefault(key);
                json.WriteNumber("read_queries", total?.ReadQueries ?? 0);
                json.WriteNumber("write_queries", total?.WriteQueries ?? 0);
                json.WriteNumber("rows_read", total?.RowsRead ?? 0);
                json.WriteNumber("rows_written", total?.RowsWritten ?? 0);
                var sample = recent.TryGetValue(key, out var s) ? s : default;
                WriteNullable(json, "p50_ms", sample.P50Ms);
                WriteNullable(json, "p99_ms", sample.P99Ms);
                if (sample.SizeBytes is { } size) json.WriteNumber("size_bytes", size);
                else json.WriteNull("size_bytes");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v) json.WriteNumber(name, Math.Round(v, 3));
        else json.WriteNull(name);
    }
}
