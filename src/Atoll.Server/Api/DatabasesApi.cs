using System.Text.Json;
using Atoll.Engine;
using Atoll.Server.Auth;
using Atoll.Server.Catalog;
using Atoll.Server.TimeTravel;
using Atoll.Server.Grains;
using Atoll.Server.Protocol;
using Atoll.Server.Replication;

namespace Atoll.Server.Api;

/// <summary>The D1 REST API: <c>/client/v4/accounts/{account_id}/d1/database[/{database_id}[/query|/raw]]</c>.</summary>
/// <seealso href="https://developers.cloudflare.com/api/resources/d1/subresources/database/"/>
public static class DatabasesApi
{
    static readonly string[] LocationHints = ["wnam", "enam", "weur", "eeur", "apac", "oc"];
    static readonly string[] Jurisdictions = ["eu", "fedramp", "us"];
    static readonly string[] ReplicationModes = ["auto", "disabled"];

    /// <summary>Maps the database routes.</summary>
    public static RouteGroupBuilder MapDatabasesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/client/v4/accounts/{accountId}/d1/database").WithTags("Databases");
        api.MapGet("", List);
        api.MapPost("", Create);
        api.MapGet("/{databaseId}", Get);
        api.MapPut("/{databaseId}", (string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
            ICatalog catalog, RequestBody bodies, ReplicaRouter replicas) => Update(accountId, databaseId, context, auth, catalog, bodies, replicas, required: true));
        api.MapPatch("/{databaseId}", (string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
            ICatalog catalog, RequestBody bodies, ReplicaRouter replicas) => Update(accountId, databaseId, context, auth, catalog, bodies, replicas, required: false));
        api.MapGet("/{databaseId}/replicas", Replicas);
        api.MapDelete("/{databaseId}", Delete);
        api.MapPost("/{databaseId}/query", (string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
            RequestBody bodies, ReplicaRouter router) => Query(accountId, databaseId, context, auth, bodies, router, ResultShape.Objects));
        api.MapPost("/{databaseId}/raw", (string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
            RequestBody bodies, ReplicaRouter router) => Query(accountId, databaseId, context, auth, bodies, router, ResultShape.ColumnsAndRows));
        return api;
    }

    static async Task<IResult> List(string accountId, HttpRequest request, TokenAuthenticator auth, ICatalog catalog)
    {
        var token = await auth.ForAccountAsync(request, accountId);
        var page = QueryInt(request, "page", 1, 1, int.MaxValue);
        // D1's minimum page size is 10; clamping (not failing) keeps every client's paging loop finite.
        var perPage = Math.Clamp(QueryInt(request, "per_page", 1000, 1, 100_000), 10, 10_000);
        var name = request.Query["name"].ToString();
        var all = (await catalog.DatabasesAsync(accountId, name.Length == 0 ? null : name, request.HttpContext.RequestAborted)).Where(d => token.CanUseDatabase(d.Uuid)).ToList();
        var items = all.Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * perPage)).Take(perPage).ToList();
        return Envelope.Ok(json =>
        {
            json.WriteStartArray();
            foreach (var database in items) DatabaseJson.Write(json, database);
            json.WriteEndArray();
        }, writeResultInfo: json =>
        {
            json.WriteStartObject();
            json.WriteNumber("page", page);
            json.WriteNumber("per_page", perPage);
            json.WriteNumber("count", items.Count);
            json.WriteNumber("total_count", all.Count);
            json.WriteEndObject();
        });
    }

    static async Task<IResult> Create(string accountId, HttpContext context, TokenAuthenticator auth, ICatalog catalog, RequestBody bodies,
        ChangeLogSettings changeLogs)
    {
        var token = await auth.ForAccountAsync(context.Request, accountId);
        TokenAuthenticator.RequireAccountEditor(token, "create databases");
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        var name = body.RequiredString("name", "the new database's name");
        var placement = new DatabasePlacement(body.OptionalEnum("primary_location_hint", LocationHints),
            body.OptionalEnum("jurisdiction", Jurisdictions), ReadReplicationMode(body) ?? "disabled");
        var record = await catalog.CreateDatabaseAsync(accountId, name, placement, context.RequestAborted);
        // Nothing is opened now: the first query makes the file and its log, whose history is stamped from this creation
        // time (a timestamp between creation and the first query names the empty database), and needs no object store.
        changeLogs.Created(record.Uuid, record.CreatedAt);
        return Envelope.Ok(json => DatabaseJson.Write(json, record));
    }

    static async Task<IResult> Get(string accountId, string databaseId, HttpRequest request, TokenAuthenticator auth, IGrainFactory grains)
    {
        var (_, database) = await auth.ForDatabaseAsync(request, accountId, databaseId);
        var fields = DatabaseJson.ParseFields(request);
        // Only the figures need the database itself; a lookup by name (wrangler's fields=uuid,name) leaves it closed.
        DatabaseStats? stats = fields is null || fields.Contains("num_tables") || fields.Contains("file_size")
            ? await grains.GetGrain<IDatabaseGrain>(database.Uuid).GetStats()
            : null;
        return Envelope.Ok(json => DatabaseJson.Write(json, database, stats, fields));
    }

    static async Task<IResult> Update(string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
        ICatalog catalog, RequestBody bodies, ReplicaRouter replicas, bool required)
    {
        var (token, database) = await auth.ForDatabaseAsync(context.Request, accountId, databaseId);
        TokenAuthenticator.RequireEdit(token);
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        var mode = ReadReplicationMode(body);
        if (mode is null && required) throw ApiException.BadRequest("Missing required field \"read_replication\".");
        if (mode is not null)
        {
            // The catalog first: routing reads the mode from it, so "disabled" stops replica reads before the files go.
            database = await catalog.UpdateReadReplicationAsync(database, mode, context.RequestAborted);
            await replicas.ApplyModeAsync(database);
        }
        return Envelope.Ok(json => DatabaseJson.Write(json, database));
    }

    /// <summary>
    /// <c>GET …/database/{id}/replicas</c> (Atoll's own): each read replica's region, the bookmark it has applied, and how
    /// far it is behind the primary in commits and milliseconds.
    /// </summary>
    static async Task<IResult> Replicas(string accountId, string databaseId, HttpRequest request, TokenAuthenticator auth, ReplicaRouter replicas)
    {
        var (_, database) = await auth.ForDatabaseAsync(request, accountId, databaseId);
        var statuses = await replicas.StatusAsync(database);
        return Envelope.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("mode", database.ReadReplication);
            json.WriteStartArray("replicas");
            foreach (var status in statuses)
            {
                json.WriteStartObject();
                json.WriteString("region", status.Region);
                if (status.Bookmark is null) json.WriteNull("bookmark");
                else json.WriteString("bookmark", status.Bookmark);
                json.WriteBoolean("seeding", status.Bookmark is null);
                json.WriteNumber("entries_behind", status.EntriesBehind);
                json.WriteNumber("ms_behind", status.MillisecondsBehind);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    static async Task<IResult> Delete(string accountId, string databaseId, HttpRequest request, TokenAuthenticator auth,
        ICatalog catalog, IGrainFactory grains)
    {
        var (token, database) = await auth.ForDatabaseAsync(request, accountId, databaseId);
        TokenAuthenticator.RequireEdit(token);
        await catalog.DeleteDatabaseAsync(database, request.HttpContext.RequestAborted);
        await grains.GetGrain<IDatabaseGrain>(database.Uuid).Delete();
        return Envelope.Ok(json => json.WriteNullValue());
    }

    /// <summary>Request header (value <c>1</c>) that has whole REALs written as <c>2.0</c>; sent by Atoll.Client.</summary>
    public const string TypedRealsHeader = "x-atoll-typed-reals";

    static async Task<IResult> Query(string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
        RequestBody bodies, ReplicaRouter router, ResultShape shape)
    {
        var (token, database) = await auth.ForDatabaseAsync(context.Request, accountId, databaseId);
        // Sessions over REST (Atoll's own; D1 has none): the binding's header, answered with x-d1-bookmark.
        var session = SessionConstraint.Parse(context.Request.Headers[SessionConstraint.Header]);
        var body = await bodies.ReadAsync(context.Request, context.RequestAborted);
        // Atoll's own SDK asks for REALs it can tell from INTEGERs; every other client gets D1's wire unchanged.
        var typedReals = context.Request.Headers[TypedRealsHeader] == "1";
        var request = QueryRequestReader.Rest(body, shape, readOnly: token.Permission == TokenPermission.Read, typedReals);
        if (IdempotencyKey.RequestId(context.Request.Headers[IdempotencyKey.Header], body) is { } id)
            request = request with { RequestId = id };
        var reply = await router.QueryAsync(database, request, session, context.RequestAborted);
        context.Response.Headers["x-d1-bookmark"] = reply.Bookmark;
        return reply.Success
            ? Envelope.Ok(reply.Json)
            : Envelope.Error(ApiException.StatusOf(reply.ErrorCode!.Value), (int)reply.ErrorCode.Value, reply.ErrorMessage!);
    }

    static string? ReadReplicationMode(JsonBody body)
        => body.OptionalObject("read_replication") is { } replication
            ? replication.OptionalEnum("mode", ReplicationModes)
                ?? throw ApiException.BadRequest("Field \"read_replication.mode\" is required: \"auto\" or \"disabled\".")
            : null;

    static int QueryInt(HttpRequest request, string name, int fallback, int min, int max)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0) return fallback;
        return int.TryParse(text, out var value) && value >= min && value <= max ? value
            : throw ApiException.BadRequest($"Query parameter \"{name}\" must be a whole number from {min} to {max}.");
    }
}
