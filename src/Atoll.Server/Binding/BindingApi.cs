using Atoll.Engine;
using Atoll.Server.Api;
using Atoll.Server.Auth;
using Atoll.Server.Catalog;
using Atoll.Server.Grains;
using Atoll.Server.Protocol;
using Atoll.Server.Replication;
using Atoll.Server.Transfers;

namespace Atoll.Server.Binding;

/// <summary>
/// The backend of workerd's D1 binding (<c>cloudflare-internal:d1-api</c>): <c>POST /query</c>, <c>POST /execute</c>
/// (both with <c>?resultsFormat=</c>) and <c>POST /dump</c>, answered in the shapes the binding's shim reads.
/// </summary>
/// <remarks>
/// Numbers bind as REAL (workerd delivers every JS number as a double), each SQL text gives one result (its last
/// statement's rows), comment-only texts are dropped, and any failure is one top-level <see cref="BindingFailure"/>.
/// </remarks>
/// <seealso href="https://developers.cloudflare.com/d1/worker-api/"/>
public static class BindingApi
{
    /// <summary>Maps the binding routes at the root of the server (workerd keeps the shim's own paths).</summary>
    public static IEndpointRouteBuilder MapBindingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/query", Query).WithTags("Binding");
        app.MapPost("/execute", Query).WithTags("Binding");
        app.MapPost("/dump", Dump).WithTags("Binding");
        return app;
    }

    /// <summary>True when the request names a binding database, so an unknown route is answered in the binding's error shape.</summary>
    public static bool IsBindingRequest(HttpRequest request) => request.Headers.ContainsKey(BindingHeaders.Database);

    /// <summary>The answer to a binding request for a route the binding does not have.</summary>
    public static BindingFailure NoRoute(HttpRequest request)
        => new(StatusCodes.Status404NotFound, $"No binding route for {request.Method} {request.Path}: use POST /query, /execute or /dump");

    static async Task<IResult> Query(HttpContext context, TokenAuthenticator auth, RequestBody bodies, ReplicaRouter router,
        ILogger<BindingFailure> logger)
    {
        try
        {
            var (token, database) = await ResolveAsync(context.Request, auth);
            var body = await bodies.ReadAsync(context.Request, context.RequestAborted);
            var request = QueryRequestReader.Binding(body, ShapeOf(context.Request), readOnly: token.Permission == TokenPermission.Read);
            var session = SessionConstraint.ParseBinding(context.Request.Headers[BindingHeaders.SessionCommitToken]);
            var reply = await router.QueryAsync(database, request, session, context.RequestAborted);
            if (!reply.Success) return new BindingFailure(ApiException.StatusOf(reply.ErrorCode!.Value), reply.ErrorMessage!);
            // Always sent (as miniflare does): outside a session the shim ignores it, inside one it orders the session's reads.
            context.Response.Headers[BindingHeaders.SessionCommitToken] = reply.Bookmark;
            // Always an array, even for one statement: the shim takes the first element of an array.
            return Results.Bytes(reply.Json, "application/json");
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            return Failure(ex, logger);
        }
    }

    /// <summary><c>dump()</c>: the database as one SQLite file, as D1's alpha databases returned it.</summary>
    /// <remarks>
    /// The copy is staged on the database's node: served from the file when that is this node, else streamed in parts from
    /// it as they arrive. Either way it is deleted once sent, or when sending fails.
    /// </remarks>
    static async Task<IResult> Dump(HttpContext context, TokenAuthenticator auth, IGrainFactory grains, NodeFiles nodeFiles,
        ILogger<BindingFailure> logger)
    {
        try
        {
            var (_, database) = await ResolveAsync(context.Request, auth);
            var staged = await grains.GetGrain<IDatabaseGrain>(database.Uuid).Backup(context.RequestAborted);
            if (nodeFiles.LocalPath(staged) is { } path)
            {
                var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024,
                    FileOptions.Asynchronous | FileOptions.DeleteOnClose);
                return Results.Stream(file, "application/vnd.sqlite3");
            }
            return Results.Stream(async body =>
            {
                try
                {
                    await nodeFiles.CopyAsync(staged, body, context.RequestAborted);
                }
                finally
                {
                    await nodeFiles.DeleteAsync(staged);
                }
            }, "application/vnd.sqlite3");
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            return Failure(ex, logger);
        }
    }

    /// <summary>The token and the database named by the injected headers.</summary>
    static async ValueTask<(ApiToken Token, DatabaseRecord Database)> ResolveAsync(HttpRequest request, TokenAuthenticator auth)
    {
        var databaseId = RequiredHeader(request, BindingHeaders.Database, "the binding's database (uuid or name)");
        var accountId = RequiredHeader(request, BindingHeaders.Account, "the account that owns the database");
        try
        {
            return await auth.ForDatabaseAsync(request, accountId, databaseId);
        }
        catch (ApiException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            throw new ApiException(ex.Status, ex.Code,
                $"Database not found: account {accountId} has no database \"{databaseId}\" that this token may use (header {BindingHeaders.Database})");
        }
    }

    static string RequiredHeader(HttpRequest request, string name, string what)
    {
        var values = request.Headers[name];
        if (values.Count == 1 && values[0] is { Length: > 0 } value) return value.Trim();
        throw ApiException.BadRequest(values.Count > 1
            ? $"Header {name} was sent {values.Count} times: send it once"
            : $"Missing header {name}: {what}. Bind the database with `worker-config`, which injects it");
    }

    /// <summary>
    /// <c>ROWS_AND_COLUMNS</c> is <c>{columns, rows}</c>; everything else — <c>ARRAY_OF_OBJECTS</c>, <c>NONE</c>, missing or
    /// unknown — is an array of row objects: <c>run()</c> returns <c>results</c> as sent, so <c>NONE</c> must still carry rows.
    /// </summary>
    static ResultShape ShapeOf(HttpRequest request)
        => request.Query["resultsFormat"] == "ROWS_AND_COLUMNS" ? ResultShape.ColumnsAndRows : ResultShape.Objects;

    static BindingFailure Failure(Exception ex, ILogger logger)
    {
        switch (ex)
        {
            case ApiException api:
                return BindingFailure.From(api);
            case D1Exception d1:
                return new BindingFailure(ApiException.StatusOf(d1.Code), d1.Message);
            case BadHttpRequestException bad:
                return new BindingFailure(bad.StatusCode, bad.Message);
            default:
                var reference = Guid.NewGuid().ToString("N");
                logger.LogError(ex, "Unhandled error in a binding call; reference = {Reference}", reference);
                return new BindingFailure(StatusCodes.Status500InternalServerError, $"internal error; reference = {reference}");
        }
    }
}
