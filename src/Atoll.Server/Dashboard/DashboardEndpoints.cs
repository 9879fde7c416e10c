using Atoll.Server.Auth;
using Atoll.Server.Catalog;
using Atoll.Server.Api;
using Atoll.Server.TimeTravel;

namespace Atoll.Server.Dashboard;

/// <summary>
/// The dashboard: <c>GET /</c> (the page) and <c>GET /dashboard/{file}</c> (its scripts and styles), served with a strict
/// Content-Security-Policy; plus the few REST endpoints the page needs beyond D1's API (the signed-in token's scope, a
/// database's timeline and recent latency/size).
/// </summary>
public static class DashboardEndpoints
{
    // Scripts and styles only from this origin, no inline script, no eval, no framing; data goes only to this origin.
    const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Maps the page, its assets and its endpoints.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var assets = new DashboardAssets();
        app.MapGet("/", (HttpContext context) => Serve(context, assets, "index.html")).ExcludeFromDescription();
        app.MapGet("/dashboard/{file}", (string file, HttpContext context) => Serve(context, assets, file)).ExcludeFromDescription();
        app.MapGet("/client/v4/dashboard/session", Session).WithTags("Dashboard")
            .WithSummary("The signed-in token: its account, permission and database scope (the dashboard hides what it may not do).");
        app.MapTimelineApi();
        app.MapDatabaseMetricsApi();
        return app;
    }

    static IResult Serve(HttpContext context, DashboardAssets assets, string name)
    {
        if (!assets.TryGet(name, out var file))
            return Envelope.NoRoute();
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        if (context.Request.Headers.IfNoneMatch == file.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(file.Content, file.ContentType);
    }

    static async Task<IResult> Session(HttpRequest request, TokenAuthenticator auth, ICatalog catalog)
    {
        var token = await auth.AuthenticateAsync(request);
        var account = await catalog.FindAccountAsync(token.AccountId, request.HttpContext.RequestAborted);
        return Envelope.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("token_name", token.Name);
            json.WriteString("account_id", token.AccountId);
            json.WriteString("account_name", account?.Name);
            json.WriteString("permission", token.Permission == TokenPermission.Edit ? "edit" : "read");
            json.WriteBoolean("account_editor", token.IsAccountEditor);
            json.WriteBoolean("admin", token.IsAdmin);
            if (token.Databases is null) json.WriteNull("databases");
            else
            {
                json.WriteStartArray("databases");
                foreach (var database in token.Databases) json.WriteStringValue(database);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        });
    }
}
