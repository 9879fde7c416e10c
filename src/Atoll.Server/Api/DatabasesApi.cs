using System.Text.Json;
using System.Text.RegularExpressions;
using Atoll.Engine;
using Atoll.Server.Auth;
using Atoll.Server.Catalog;
using Atoll.Server.TimeTravel;
using Atoll.Server.Grains;
using Atoll.Server.Protocol;

namespace Atoll.Server.Api;

/// <summary>The D1 REST API: <c>/client/v4/accounts/{account_id}/d1/database[/{database_id}[/query|/raw]]</c>.</summary>
/// <seealso href="https://developers.cloudflare.com/api/resources/d1/subresources/database/"/>
public static partial class DatabasesApi
{
    static readonly string[] LocationHints = ["wnam", "enam", "weur", "eeur", "apac", "oc"];
    static readonly string[] Jurisdictions = ["eu", "fedramp", "us"];

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_-]*$")]
    private static partial Regex NamePattern();

    /// <summary>Maps the database routes.</summary>
    public static RouteGroupBuilder MapDatabasesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/client/v4/accounts/{accountId}/d1/database").WithTags("Databases");
        api.MapGet("", List);
        api.MapPost("", Create);
        api.MapGet("/{databaseId}", Get);
        api.MapPut("/{databaseId}", (string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
            CatalogStore catalog, RequestBody bodies) => Update(accountId, databaseId, context, auth, catalog, bodies, required: true));
        api.MapPatch("/{databaseId}", (string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
            CatalogStore catalog, RequestBody bodies) => Update(accountId, databaseId, context, auth, catalog, bodies, required: false));
        api.MapDelete("/{databaseId}", Delete);
        api.MapPost("/{databaseId}/query", (string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
            RequestBody bodies, IGrainFactory grains) => Query(accountId, databaseId, context, auth, bodies, grains, ResultShape.Objects));
        api.MapPost("/{databaseId}/raw", (string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
            RequestBody bodies, IGrainFactory grains) => Query(accountId, databaseId, context, auth, bodies, grains, ResultShape.ColumnsAndRows));
        return api;
    }

    static IResult List(string accountId, HttpRequest request, TokenAuthenticator auth, CatalogStore catalog)
    {
        var token = auth.ForAccount(request, accountId);
        var page = QueryInt(request, "page", 1, 1, int.MaxValue);
        // D1's minimum page size is 10; clamping (not failing) keeps every client's paging loop finite.
        var perPage = Math.Clamp(QueryInt(request, "per_page", 1000, 1, 100_000), 10, 10_000);
        var name = request.Query["name"].ToString();
        var all = catalog.Databases(accountId, name.Length == 0 ? null : name).Where(d => token.CanUseDatabase(d.Uuid)).ToList();
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

    static async Task<IResult> Create(string accountId, HttpContext context, TokenAuthenticator auth, CatalogStore catalog, RequestBody bodies,
        IGrainFactory grains, ChangeLogSettings changeLogs)
    {
        var token = auth.ForAccount(context.Request, accountId);
        TokenAuthenticator.RequireAccountEditor(token, "create databases");
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        var name = OptionalString(body, "name") ?? throw ApiException.BadRequest("Missing required field \"name\".");
        if (!NamePattern().IsMatch(name) || name.Length > 255)
            throw ApiException.BadRequest("Database name must start with a letter or digit and contain only letters, digits, '_' and '-'.");
        var hint = OptionalEnum(body, "primary_location_hint", LocationHints);
        var jurisdiction = OptionalEnum(body, "jurisdiction", Jurisdictions);
        var mode = ReadReplicationMode(body) ?? "disabled";
        var record = catalog.CreateDatabase(accountId, name, hint, jurisdiction, mode);
        changeLogs.Created(record.Uuid); // its first open needs no history: it succeeds while the object store is down
        // Opening it now logs the empty database's first bookmark, so Time Travel's history starts at creation,
        // not at the first query (a timestamp between the two names the empty database).
        await grains.GetGrain<IDatabaseGrain>(record.Uuid).GetBookmark();
        return Envelope.Ok(json => DatabaseJson.Write(json, record));
    }

    static async Task<IResult> Get(string accountId, string databaseId, HttpRequest request, TokenAuthenticator auth, IGrainFactory grains)
    {
        var (_, database) = auth.ForDatabase(request, accountId, databaseId);
        var fields = DatabaseJson.ParseFields(request);
        // Only the figures need the database itself; a lookup by name (wrangler's fields=uuid,name) leaves it closed.
        DatabaseStats? stats = fields is null || fields.Contains("num_tables") || fields.Contains("file_size")
            ? await grains.GetGrain<IDatabaseGrain>(database.Uuid).GetStats()
            : null;
        return Envelope.Ok(json => DatabaseJson.Write(json, database, stats, fields));
    }

    static async Task<IResult> Update(string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
        CatalogStore catalog, RequestBody bodies, bool required)
    {
        var (token, database) = auth.ForDatabase(context.Request, accountId, databaseId);
        TokenAuthenticator.RequireEdit(token);
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        var mode = ReadReplicationMode(body);
        if (mode is null && required) throw ApiException.BadRequest("Missing required field \"read_replication\".");
        if (mode is not null) database = catalog.UpdateReadReplication(database, mode);
        return Envelope.Ok(json => DatabaseJson.Write(json, database));
    }

    static async Task<IResult> Delete(string accountId, string databaseId, HttpRequest request, TokenAuthenticator auth,
        CatalogStore catalog, IGrainFactory grains)
    {
        var (token, database) = auth.ForDatabase(request, accountId, databaseId);
        TokenAuthenticator.RequireEdit(token);
        catalog.DeleteDatabase(database);
        await grains.GetGrain<IDatabaseGrain>(database.Uuid).Delete();
        return Envelope.Ok(json => json.WriteNullValue());
    }

    static async Task<IResult> Query(string accountId, string databaseId, HttpContext context, TokenAuthenticator auth,
        RequestBody bodies, IGrainFactory grains, ResultShape shape)
    {
        var (token, database) = auth.ForDatabase(context.Request, accountId, databaseId);
        var body = await bodies.ReadAsync(context.Request, context.RequestAborted);
        var call = new DatabaseCall(body, NumberBinding.Exact, shape, StatementResults.EachStatement, token.Permission == TokenPermission.Read);
        var reply = await grains.GetGrain<IDatabaseGrain>(database.Uuid).Query(call, context.RequestAborted);
        context.Response.Headers["x-d1-bookmark"] = reply.Bookmark;
        return reply.Success
            ? Envelope.Ok(reply.Json)
            : Envelope.Error(ApiException.StatusOf(reply.ErrorCode!.Value), (int)reply.ErrorCode.Value, reply.ErrorMessage!);
    }

    static string? ReadReplicationMode(JsonElement body)
    {
        if (!body.TryGetProperty("read_replication", out var replication) || replication.ValueKind == JsonValueKind.Null) return null;
        if (replication.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest("Field \"read_replication\" must be an object with \"mode\".");
        return OptionalEnum(replication, "mode", ["auto", "disabled"])
            ?? throw ApiException.BadRequest("Field \"read_replication.mode\" is required: \"auto\" or \"disabled\".");
    }

    static string? OptionalString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw ApiException.BadRequest($"Field \"{name}\" must be a string.");
    }

    static string? OptionalEnum(JsonElement body, string name, string[] allowed)
    {
        var value = OptionalString(body, name)?.ToLowerInvariant();
        return value is null || allowed.Contains(value) ? value
            : throw ApiException.BadRequest($"Field \"{name}\" must be one of: {string.Join(", ", allowed)}.");
    }

    static int QueryInt(HttpRequest request, string name, int fallback, int min, int max)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0) return fallback;
        return int.TryParse(text, out var value) && value >= min && value <= max ? value
            : throw ApiException.BadRequest($"Query parameter \"{name}\" must be a whole number from {min} to {max}.");
    }
}
