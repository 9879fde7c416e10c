using Atoll.Engine;

namespace Atoll.Server.Grains;

/// <summary>A Time Travel answer: a bookmark (and, after a restore, the undo point), or a D1 error.</summary>
/// <param name="Bookmark">The bookmark asked for, or the restore's new bookmark.</param>
/// <param name="PreviousBookmark">After a restore: the bookmark just before it (restore to it to undo).</param>
/// <param name="ErrorCode">The v4 error code on failure.</param>
/// <param name="Error">The error text on failure.</param>
[GenerateSerializer, Immutable, Alias("atoll.time-travel-reply")]
public sealed record TimeTravelReply(
    [property: Id(0)] string? Bookmark,
    [property: Id(1)] string? PreviousBookmark,
    [property: Id(2)] D1ErrorCode? ErrorCode,
    [property: Id(3)] string? Error)
{
    /// <summary>A failed answer.</summary>
    public static TimeTravelReply Failure(D1Exception error) => new(null, null, error.Code, error.Message);
}
