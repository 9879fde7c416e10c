using Atoll.Engine;

namespace Atoll.Server.Api;

/// <summary>A failure the API answers with a v4 error envelope: an HTTP status, a Cloudflare error code and a message.</summary>
public sealed class ApiException(int status, int code, string message) : Exception(message)
{
    /// <summary>The HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>The Cloudflare v4 error code.</summary>
    public int Code { get; } = code;

    /// <summary>The status that goes with each D1 error code.</summary>
    public static int StatusOf(D1ErrorCode code) => code switch
    {
        D1ErrorCode.NotFound or D1ErrorCode.NoRoute => StatusCodes.Status404NotFound,
        D1ErrorCode.Authentication => StatusCodes.Status403Forbidden,
        D1ErrorCode.AccountNotAuthorized => StatusCodes.Status403Forbidden,
        D1ErrorCode.Overloaded => StatusCodes.Status429TooManyRequests,
        D1ErrorCode.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status400BadRequest, // SQL errors, bad requests, duplicate names (not 409: the SDK retries 409)
    };

    /// <summary>The API's form of an engine error.</summary>
    public static ApiException From(D1Exception error) => new(StatusOf(error.Code), (int)error.Code, error.Message);

    /// <summary>401: no or unknown credentials.</summary>
    public static ApiException Unauthenticated(string message = "Authentication error")
        => new(StatusCodes.Status401Unauthorized, (int)D1ErrorCode.InvalidToken, message);

    /// <summary>403: the token may not do this.</summary>
    public static ApiException Forbidden(string message) => new(StatusCodes.Status403Forbidden, (int)D1ErrorCode.Authentication, message);

    /// <summary>404 for a database the token's account does not have (or the token may not see): D1's "Not Found", naming it.</summary>
    public static ApiException DatabaseNotFound(string databaseIdOrName)
        => new(StatusCodes.Status404NotFound, (int)D1ErrorCode.NotFound, $"Not Found: no database '{databaseIdOrName}' in this account");

    /// <summary>400 with code 7400.</summary>
    public static ApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, (int)D1ErrorCode.BadRequest, message);
}
