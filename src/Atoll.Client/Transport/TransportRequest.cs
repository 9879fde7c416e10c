using Atoll.Engine;

namespace Atoll.Client.Transport;

/// <summary>Statements to run as one transaction.</summary>
/// <param name="Statements">SQL texts with their bound values.</param>
/// <param name="IsBatch">True for <c>batch</c> and <c>exec</c>; false for a single prepared statement.</param>
/// <param name="Session">Inside <c>WithSession</c>: the session's constraint or newest bookmark (a remote server may then serve reads from a replica).</param>
internal sealed record TransportRequest(IReadOnlyList<Statement> Statements, bool IsBatch, string? Session = null);
