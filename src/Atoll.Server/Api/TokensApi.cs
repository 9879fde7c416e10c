using System.Text.Json;
using Atoll.Server.Auth;
using Atoll.Server.Catalog;

namespace Atoll.Server.Api;

/// <summary>
/// API tokens of an account (<c>/client/v4/accounts/{account_id}/tokens</c>). Atoll's own, simpler than Cloudflare's policy documents:
/// <c>{"name", "permission": "read"|"edit", "databases": [uuid…]}</c>.
/// </summary>
public static class TokensApi
{
    static readonly string[] Permissions = ["read", "edit"];

    /// <summary>Maps the token routes.</summary>
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/client/v4/accounts/{accountId}/tokens").WithTags("Tokens");
        api.MapGet("", List);
        api.MapPost("", Create);
        api.MapDelete("/{tokenId}", Revoke);
        return app;
    }

    static async ValueTask<ApiToken> Manager(HttpRequest request, string accountId, TokenAuthenticator auth)
        => TokenAuthenticator.RequireAccountEditor(await auth.ForAccountAsync(request, accountId), "manage tokens");

    static async Task<IResult> List(string accountId, HttpRequest request, TokenAuthenticator auth, ICatalog catalog)
    {
        await Manager(request, accountId, auth);
        var tokens = await catalog.TokensAsync(accountId, request.HttpContext.RequestAborted);
        return Envelope.Ok(json =>
        {
            json.WriteStartArray();
            foreach (var token in tokens) Write(json, token, null);
            json.WriteEndArray();
        }, writeResultInfo: json => AccountsApi.WritePage(json, tokens.Count));
    }

    static async Task<IResult> Create(string accountId, HttpContext context, TokenAuthenticator auth, ICatalog catalog, RequestBody bodies)
    {
        await Manager(context.Request, accountId, auth);
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        var name = body.OptionalString("name") ?? "token";
        var permission = body.OptionalEnum("permission", Permissions) switch
        {
            "read" => TokenPermission.Read,
            _ => TokenPermission.Edit,
        };
        List<string>? databases = null;
        if (body.OptionalStrings("databases") is { } names)
        {
            databases = [];
            foreach (var item in names)
            {
                var database = await catalog.FindDatabaseAsync(accountId, item, context.RequestAborted);
                databases.Add(database?.Uuid ?? throw ApiException.BadRequest($"Field \"databases\": no database '{item}' in this account."));
            }
        }
        var (token, value) = await catalog.CreateTokenAsync(accountId, name, permission, databases, context.RequestAborted);
        return Envelope.Ok(json => Write(json, token, value));
    }

    static async Task<IResult> Revoke(string accountId, string tokenId, HttpRequest request, TokenAuthenticator auth, ICatalog catalog)
    {
        await Manager(request, accountId, auth);
        return await catalog.RevokeTokenAsync(accountId, tokenId, request.HttpContext.RequestAborted)
            ? Envelope.Ok(json => json.WriteNullValue())
            : Envelope.Error(StatusCodes.Status404NotFound, 7404, "Not Found");
    }

    static void Write(Utf8JsonWriter json, ApiToken token, string? value)
    {
        json.WriteStartObject();
        json.WriteString("id", token.Id);
        json.WriteString("name", token.Name);
        json.WriteString("status", "active");
        json.WriteString("permission", token.Permission.ToString().ToLowerInvariant());
        if (token.Databases is null) json.WriteNull("databases");
        else
        {
            json.WriteStartArray("databases");
            foreach (var database in token.Databases) json.WriteStringValue(database);
            json.WriteEndArray();
        }
        json.WriteString("issued_on", token.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
        if (value is not null) json.WriteString("value", value);
        json.WriteEndObject();
    }
}
