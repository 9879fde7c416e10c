using Atoll.Client.Protocol;
using Atoll.Engine;

namespace Atoll.Client.Binding;

/// <summary>What a prepared statement runs on: the database itself, or one of its sessions.</summary>
internal interface IStatementRunner
{
    Task<IReadOnlyList<StatementResult>> RunAsync(IReadOnlyList<Statement> statements, bool isBatch, CancellationToken cancellationToken);
}
