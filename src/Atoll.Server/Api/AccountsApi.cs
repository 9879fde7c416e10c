using System.Text.Json;
using Atoll.Server.Auth;
using Atoll.Server.Catalog;

namespace Atoll.Server.Api;

/// <summary>Accounts, memberships and the current user (<c>/client/v4/accounts</c>, <c>/memberships</c>, <c>/user</c>).</summary>
public static class AccountsApi
{
    /// <summary>Maps the account routes.</summary>
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/client/v4").WithTags("Accounts");
        api.MapGet("/accounts", ListAccounts);
        api.MapPost("/accounts", CreateAccount);
        api.MapGet("/memberships", ListMemberships);
        api.MapGet("/user/tokens/verify", VerifyToken);
        api.MapGet("/user", GetUser);
        return app;
    }

    static async Task<IResult> ListAccounts(HttpRequest request, TokenAuthenticator auth, ICatalog catalog)
    {
        var accounts = await catalog.AccountsAsync(await auth.AuthenticateAsync(request), request.HttpContext.RequestAborted);
        return Envelope.Ok(json =>
        {
            json.WriteStartArray();
            foreach (var account in accounts) WriteAccount(json, account);
            json.WriteEndArray();
        }, writeResultInfo: json => WritePage(json, accounts.Count));
    }

    /// <summary>Creates an account: only the server's admin token may.</summary>
    static async Task<IResult> CreateAccount(HttpContext context, TokenAuthenticator auth, ICatalog catalog, RequestBody bodies)
    {
        if (!(await auth.AuthenticateAsync(context.Request)).IsAdmin)
            throw ApiException.Forbidden("Authentication error: only the admin token may create accounts");
        var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
        var name = body.OptionalString("name");
        if (string.IsNullOrWhiteSpace(name)) throw ApiException.BadRequest("Missing required field \"name\" (a non-empty string).");
        var account = await catalog.CreateAccountAsync(name, context.RequestAborted);
        return Envelope.Ok(json => WriteAccount(json, account));
    }

    static async Task<IResult> ListMemberships(HttpRequest request, TokenAuthenticator auth, ICatalog catalog)
    {
        var token = await auth.AuthenticateAsync(request);
        var accounts = await catalog.AccountsAsync(token, request.HttpContext.RequestAborted);
        return Envelope.Ok(json =>
        {
            json.WriteStartArray();
            foreach (var account in accounts)
            {
                json.WriteStartObject();
                json.WriteString("id", account.Id);
                json.WriteString("status", "accepted");
                json.WriteStartArray("roles");
                json.WriteStringValue(token.Permission == TokenPermission.Edit ? "Administrator" : "Administrator Read Only");
                json.WriteEndArray();
                json.WritePropertyName("account");
                WriteAccount(json, account);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }, writeResultInfo: json => WritePage(json, accounts.Count));
    }

    static async Task<IResult> VerifyToken(HttpRequest request, TokenAuthenticator auth)
    {
        ApiToken token;
        try
        {
            token = await auth.AuthenticateAsync(request);
        }
        catch (ApiException ex) when (ex.Status == StatusCodes.Status401Unauthorized)
        {
            return Envelope.Error(ex.Status, 1000, "Invalid API Token"); // Cloudflare's answer, which wrangler's whoami reads
        }
        return Envelope.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("id", token.Id);
            json.WriteString("status", "active");
            json.WriteEndObject();
        }, messages: [(10000, "This API Token is valid and active")]);
    }

    /// <summary>API tokens have no user behind them; this names the token so tools can show an identity.</summary>
    static async Task<IResult> GetUser(HttpRequest request, TokenAuthenticator auth, ICatalog catalog)
    {
        var token = await auth.AuthenticateAsync(request);
        var account = await catalog.FindAccountAsync(token.AccountId, request.HttpContext.RequestAborted);
        return Envelope.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("id", token.Id);
            json.WriteString("email", $"{token.Name}@{account?.Name ?? "atoll"}.atoll.local");
            json.WriteEndObject();
        });
    }

    static void WriteAccount(Utf8JsonWriter json, Account account)
    {
        json.WriteStartObject();
        json.WriteString("id", account.Id);
        json.WriteString("name", account.Name);
        json.WriteString("type", "standard");
        json.WriteString("created_on", account.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
        json.WriteEndObject();
    }

    internal static void WritePage(Utf8JsonWriter json, int count)
    {
        json.WriteStartObject();
        json.WriteNumber("page", 1);
        json.WriteNumber("per_page", Math.Max(count, 20));
        json.WriteNumber("count", count);
        json.WriteNumber("total_count", count);
        json.WriteNumber("total_pages", 1);
        json.WriteEndObject();
    }
}
