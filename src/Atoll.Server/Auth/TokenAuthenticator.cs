using Atoll.Server.Api;
using Atoll.Server.Catalog;

namespace Atoll.Server.Auth;

/// <summary>Finds the API token of a request: <c>Authorization: Bearer &lt;token&gt;</c>, or <c>X-Auth-Key</c> as Cloudflare's legacy keys.</summary>
public sealed class TokenAuthenticator(ICatalog catalog)
{
    /// <summary>The request's token.</summary>
    /// <exception cref="ApiException">401 when credentials are missing, malformed or unknown.</exception>
    public async ValueTask<ApiToken> AuthenticateAsync(HttpRequest request)
    {
        string? value = null;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                throw ApiException.Unauthenticated("Authentication error: the Authorization header must be 'Bearer <token>'");
            value = authorization["Bearer ".Length..].Trim();
        }
        else if (request.Headers.TryGetValue("X-Auth-Key", out var key))
        {
            value = key.ToString().Trim();
        }
        return await FindAsync(value, request.HttpContext.RequestAborted);
    }

    /// <summary>The token whose secret is <paramref name="value"/>, however the request carried it.</summary>
    /// <exception cref="ApiException">401 when <paramref name="value"/> is empty or unknown.</exception>
    public async ValueTask<ApiToken> FindAsync(string? value, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(value)) throw ApiException.Unauthenticated("Authentication error: no API token was sent");
        return await catalog.FindTokenAsync(value, cancellationToken)
            ?? throw ApiException.Unauthenticated("Authentication error: the API token is not valid");
    }

    /// <summary>The token, required to act on <paramref name="accountId"/>.</summary>
    /// <exception cref="ApiException">401 without a valid token; 403 when the token belongs to another account.</exception>
    public async ValueTask<ApiToken> ForAccountAsync(HttpRequest request, string accountId)
    {
        var token = await AuthenticateAsync(request);
        if (!token.CanUseAccount(accountId) || await catalog.FindAccountAsync(accountId, request.HttpContext.RequestAborted) is null)
            throw new ApiException(StatusCodes.Status403Forbidden, 7403,
                "The given account is not valid or is not authorized to access this service");
        return token;
    }

    /// <summary>The token and database, required to reach <paramref name="databaseIdOrName"/> in <paramref name="accountId"/>.</summary>
    /// <exception cref="ApiException">401/403 as <see cref="ForAccountAsync"/>; 404 naming the database when the account has no such
    /// database or the token is not scoped to it.</exception>
    public async ValueTask<(ApiToken Token, DatabaseRecord Database)> ForDatabaseAsync(HttpRequest request, string accountId, string databaseIdOrName)
    {
        var token = await ForAccountAsync(request, accountId);
        var database = await catalog.FindDatabaseAsync(accountId, databaseIdOrName, request.HttpContext.RequestAborted);
        if (database is null || !token.CanUseDatabase(database.Uuid)) throw ApiException.DatabaseNotFound(databaseIdOrName);
        return (token, database);
    }

    /// <summary>The token, required to have edit permission (writes, deletes, restores).</summary>
    /// <exception cref="ApiException">403 for a read token.</exception>
    public static ApiToken RequireEdit(ApiToken token)
        => token.Permission == TokenPermission.Edit ? token : throw ApiException.Forbidden("Authentication error: this API token may only read");

    /// <summary>The token, required to manage the whole account (create databases, manage tokens).</summary>
    /// <exception cref="ApiException">403 naming what it may not do.</exception>
    public static ApiToken RequireAccountEditor(ApiToken token, string action)
        => token.IsAccountEditor ? token : throw ApiException.Forbidden($"Authentication error: this API token may not {action}");
}
