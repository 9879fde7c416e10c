using System.Text.Json;
using Atoll.Client.Mapping;
using Atoll.Client.Protocol;
using Atoll.Client.Transport;
using Atoll.Engine;

namespace Atoll.Client.Binding;

/// <summary>The D1 binding's API over a transport: the one implementation of <see cref="ID1Database"/> for both remote and embedded use.</summary>
internal sealed class BindingDatabase(ID1Transport transport) : ID1Database, IStatementRunner
{
    public D1PreparedStatement Prepare(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return new D1PreparedStatement(this, new Statement(sql));
    }

    public Task<IReadOnlyList<D1Result<JsonElement>>> BatchAsync(IEnumerable<D1PreparedStatement> statements, CancellationToken cancellationToken = default)
        => Batch(this, statements, cancellationToken);

    public async Task<D1ExecResult> ExecAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        // As the binding: trim, split on newlines, one query per line. Blank and comment-only lines are dropped, as miniflare does.
        var lines = sql.Trim().Split('\n');
        var statements = lines.Where(line => !SqlText.IsBlank(line)).Select(line => new Statement(line)).ToArray();
        try
        {
            var results = await RunAsync(statements, isBatch: true, cancellationToken).ConfigureAwait(false);
            return new D1ExecResult(results.Count, results.Sum(r => r.Meta.Duration));
        }
        catch (D1Exception ex) when (ex.ApiCode is not null)
        {
            // D1 reports a failed exec against line 1 whichever line failed, since the backend answers with one error for the whole request.
            throw new D1Exception(D1ErrorCodes.ExecError, $"Error in line 1: {lines[0]}: {ex.Detail}", ex.ApiCode, ex.IsTransient, ex);
        }
    }

    public ID1DatabaseSession WithSession(string? constraintOrBookmark = null) => new BindingSession(this, new BookmarkTracker(constraintOrBookmark));

    public async Task<IReadOnlyList<StatementResult>> RunAsync(IReadOnlyList<Statement> statements, bool isBatch, CancellationToken cancellationToken)
        => (await SendAsync(statements, isBatch, cancellationToken).ConfigureAwait(false)).Results;

    internal Task<TransportReply> SendAsync(IReadOnlyList<Statement> statements, bool isBatch, CancellationToken cancellationToken, string? session = null)
        => transport.SendAsync(new TransportRequest(statements, isBatch, session), cancellationToken);

    internal static async Task<IReadOnlyList<D1Result<JsonElement>>> Batch(IStatementRunner runner, IEnumerable<D1PreparedStatement> statements,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var list = statements.Select(s => s.Statement).ToArray();
        var results = await runner.RunAsync(list, isBatch: true, cancellationToken).ConfigureAwait(false);
        return [.. results.Select(r => new D1Result<JsonElement>(r, RowMapper.MapAll<JsonElement>(r)))];
    }

    public void Dispose() => transport.Dispose();
}
