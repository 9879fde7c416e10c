using Atoll.Client;

namespace Blog.Api;

/// <summary>Responses in the guide's shape.</summary>
internal static class ApiResults
{
    public static IResult Error(int status, string message) => Results.Json(new ErrorBody(message), statusCode: status);

    /// <summary>True when a write failed because the email is taken (a race with the check before it).</summary>
    public static bool IsDuplicateEmail(D1Exception error) => error.Detail.Contains("UNIQUE constraint failed: users.email", StringComparison.Ordinal);
}
