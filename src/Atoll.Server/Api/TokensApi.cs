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
    /// <summary>Maps the token routes.</summary>
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/client/v4/accounts/{accountId}/tokens").WithTags("Tokens");
        api.MapGet("", List);
        api.MapPost("", Create);
        api.MapDelete("/{tokenId}", Revoke);
        return app;
    }

    static ApiToken Manager(HttpRequest request, string accountId, TokenAuthenticator auth)
        => TokenAuthenticator.RequireAccountEditor(auth.ForAccount(request, accountId), "manage tokens");

    static IResult List(string accountId, HttpRequest request, TokenAuthenticator auth, CatalogStore catalog)
    {
        Manager(request, accountId, auth);
        var tokens = catalog.Tokens(accountId);
        return Envelope.Ok(json =>
        {
            json.WriteStartArray();
            foreach (var token in tokens) Write(json, token, null);
            json.WriteEndArray();
        }, writeResultInfo: json => AccountsApi.WritePage(json, tokens.Count));
    }

    static async Task<IResult> Create(string accountId, HttpContext context, TokenAuthenticator auth, CatalogStore catalog, RequestBody bodies)
    {
        Manager(context.Request, accountId, auth);
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        var name = body.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "token";
        var permission = body.TryGetProperty("permission", out var p) ? p.GetString() switch
        {
            "read" => TokenPermission.Read,
            "edit" => TokenPermission.Edit,
            _ => throw ApiException.BadRequest("Field \"permission\" must be \"read\" or \"edit\"."),
        } : TokenPermission.Edit;
        List<string>? databases = null;
        if (body.TryGetProperty("databases", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array) throw ApiException.BadRequest("Field \"databases\" must be an array of database uuids or names.");
            databases = [];
            foreach (var item in list.EnumerateArray())
            {
                var database = item.ValueKind == JsonValueKind.String ? catalog.FindDatabase(accountId, item.GetString()!) : null;
                databases.Add(database?.Uuid ?? throw ApiException.BadRequest($"Field \"databases\": no database {item} in this account."));
            }
        }
        var (token, value) = catalog.CreateToken(accountId, name, permission, databases);
        return Envelope.Ok(json => Write(json, token, value));
    }

    static IResult Revoke(string accountId, string tokenId, HttpRequest request, TokenAuthenticator auth, CatalogStore catalog)
    {
        Manager(request, accountId, auth);
        return catalog.RevokeToken(accountId, tokenId)
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
