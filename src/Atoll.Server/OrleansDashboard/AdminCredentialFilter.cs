using System.Text;
using Atoll.Engine;
using Atoll.Server.Api;
using Atoll.Server.Auth;
using Atoll.Server.Catalog;

namespace Atoll.Server.OrleansDashboard;

/// <summary>
/// Lets a request through only with the admin token. A browser cannot add a Bearer header to the page's own fetches, so
/// HTTP Basic is accepted too (any user name, the admin token as password): the 401 challenge makes the browser ask once
/// and send it with every later request. <c>Authorization: Bearer</c> (and <c>X-Auth-Key</c>) work as in the REST API.
/// </summary>
public sealed class AdminCredentialFilter(TokenAuthenticator auth) : IEndpointFilter
{
    /// <summary>The challenge sent with every 401, so a browser prompts for the credential.</summary>
    public const string Challenge = "Basic realm=\"Atoll\", charset=\"UTF-8\"";

    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        ApiToken token;
        try
        {
            token = await AuthenticateAsync(http.Request);
        }
        catch (ApiException denied) when (denied.Status == StatusCodes.Status401Unauthorized)
        {
            // Set here, not thrown: the exception middleware clears headers before it writes the envelope.
            http.Response.Headers.WWWAuthenticate = Challenge;
            return Envelope.Error(denied.Status, denied.Code, denied.Message);
        }
        if (!token.IsAdmin)
            return Envelope.Error(StatusCodes.Status403Forbidden, (int)D1ErrorCode.Authentication,
                "Authentication error: only the admin token may open the Orleans dashboard");
        return await next(context);
    }

    async ValueTask<ApiToken> AuthenticateAsync(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return await auth.FindAsync(BasicPassword(authorization["Basic ".Length..].Trim()), request.HttpContext.RequestAborted);
        if (authorization.Length > 0 && !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw ApiException.Unauthenticated("Authentication error: the Authorization header must be 'Basic' (the admin token as password) or 'Bearer <token>'");
        return await auth.AuthenticateAsync(request);
    }

    /// <summary>The password of Basic credentials (base64 of <c>user:password</c>, RFC 7617).</summary>
    static string BasicPassword(string credentials)
    {
        var bytes = new byte[credentials.Length];
        if (!Convert.TryFromBase64String(credentials, bytes, out var length))
            throw ApiException.Unauthenticated("Authentication error: the Basic credentials are not base64");
        var pair = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = pair.IndexOf(':');
        return colon >= 0 ? pair[(colon + 1)..] : throw ApiException.Unauthenticated("Authentication error: the Basic credentials must be 'user:password'");
    }
}
