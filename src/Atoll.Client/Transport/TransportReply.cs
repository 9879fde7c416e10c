using Atoll.Client.Protocol;

namespace Atoll.Client.Transport;

/// <summary>One result per statement of the request, and the bookmark of the commit they reflect.</summary>
internal sealed record TransportReply(IReadOnlyList<StatementResult> Results, string? Bookmark);
