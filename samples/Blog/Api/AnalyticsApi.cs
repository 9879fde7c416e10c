using Blog.Data;

namespace Blog.Api;

/// <summary>The guide's analytics queries, and the migrations' status.</summary>
public static class AnalyticsApi
{
    public static void MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/analytics");
        api.MapGet("/users", async (Analytics analytics, CancellationToken ct) => Results.Ok(await analytics.UserStatisticsAsync(ct)));
        api.MapGet("/posts", async (Analytics analytics, CancellationToken ct) => Results.Ok(await analytics.PostStatisticsAsync(ct)));
        api.MapGet("/top-authors", async (Analytics analytics, CancellationToken ct, int limit = 10) => Results.Ok(await analytics.TopAuthorsAsync(limit, ct)));
        api.MapGet("/trends", async (Analytics analytics, CancellationToken ct, int days = 30) => Results.Ok(await analytics.ContentTrendsAsync(days, ct)));
        app.MapGet("/migrations", async (Migrations migrations, CancellationToken ct) => Results.Ok(await migrations.StatusAsync(ct)));
    }
}
