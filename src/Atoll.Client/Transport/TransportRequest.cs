using Atoll.Engine;

namespace Atoll.Client.Transport;

/// <summary>Statements to run as one transaction.</summary>
/// <param name="Statements">SQL texts with their bound values.</param>
/// <param name="IsBatch">True for <c>batch</c> and <c>exec</c>; false for a single prepared statement.</param>
internal sealed record TransportRequest(IReadOnlyList<Statement> Statements, bool IsBatch);
