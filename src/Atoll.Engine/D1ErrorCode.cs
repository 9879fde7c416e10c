namespace Atoll.Engine;

/// <summary>Cloudflare v4 error codes that D1 uses; the server maps each to an HTTP status.</summary>
public enum D1ErrorCode
{
    /// <summary>Authentication or permission failure (401/403).</summary>
    Authentication = 10000,
    /// <summary>
    /// The request's API token is missing or unknown (401). Not 10000: on 10000 wrangler runs <c>whoami</c>, which needs a
    /// valid token and would fail in turn; a token that is valid but not allowed gets 10000, and whoami then shows who it is.
    /// </summary>
    InvalidToken = 9109,
    /// <summary>The request is malformed (400).</summary>
    BadRequest = 7400,
    /// <summary>The account is not valid for this token (403).</summary>
    AccountNotAuthorized = 7403,
    /// <summary>Database not found (404).</summary>
    NotFound = 7404,
    /// <summary>A system limit was reached (400).</summary>
    LimitReached = 7406,
    /// <summary>Too many requests, e.g. restores (429).</summary>
    Overloaded = 7429,
    /// <summary>The SQL failed (400).</summary>
    SqlError = 7500,
    /// <summary>A database with that name already exists (409).</summary>
    DuplicateName = 7502,
    /// <summary>The request body is too large (413).</summary>
    PayloadTooLarge = 7413,
    /// <summary>No route for the URI (404).</summary>
    NoRoute = 7003,
}
