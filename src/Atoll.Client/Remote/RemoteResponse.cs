namespace Atoll.Client.Remote;

/// <summary>An HTTP answer from the server, read whole.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Body">The body's bytes.</param>
/// <param name="Bookmark">The <c>x-d1-bookmark</c> header: the commit a query's results reflect.</param>
internal sealed record RemoteResponse(int Status, byte[] Body, string? Bookmark);
