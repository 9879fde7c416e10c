using Atoll.Engine;

namespace Atoll.Server.Grains;

/// <summary>A database grain's answer: the encoded results, or a D1 error, and the bookmark it reflects.</summary>
/// <param name="Json">UTF-8 JSON array of result objects; empty on error.</param>
/// <param name="ErrorCode">The v4 error code when the request failed.</param>
/// <param name="ErrorMessage">D1's error text when the request failed.</param>
/// <param name="Bookmark">The commit the results reflect.</param>
[GenerateSerializer, Immutable, Alias("atoll.database-reply")]
public sealed record DatabaseReply(
    [property: Id(0)] byte[] Json,
    [property: Id(1)] D1ErrorCode? ErrorCode,
    [property: Id(2)] string? ErrorMessage,
    [property: Id(3)] string Bookmark)
{
    /// <summary>True when the request succeeded.</summary>
    public bool Success => ErrorCode is null;

    /// <summary>A failed reply.</summary>
    public static DatabaseReply Failure(D1Exception error, string bookmark) => new([], error.Code, error.Message, bookmark);
}
