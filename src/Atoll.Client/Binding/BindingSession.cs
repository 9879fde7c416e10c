using System.Text.Json;
using Atoll.Client.Protocol;
using Atoll.Engine;

namespace Atoll.Client.Binding;

/// <summary>A session over a <see cref="BindingDatabase"/>: the same requests, with the bookmark of each reply tracked.</summary>
internal sealed class BindingSession(BindingDatabase database, BookmarkTracker bookmarks) : ID1DatabaseSession, IStatementRunner
{
    public D1PreparedStatement Prepare(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return new D1PreparedStatement(this, new Statement(sql));
    }

    public Task<IReadOnlyList<D1Result<JsonElement>>> BatchAsync(IEnumerable<D1PreparedStatement> statements, CancellationToken cancellationToken = default)
        => BindingDatabase.Batch(this, statements, cancellationToken);

    public string? GetBookmark() => bookmarks.Bookmark;

    public async Task<IReadOnlyList<StatementResult>> RunAsync(IReadOnlyList<Statement> statements, bool isBatch, CancellationToken cancellationToken)
    {
        var reply = await database.SendAsync(statements, isBatch, cancellationToken, bookmarks.Current).ConfigureAwait(false);
        bookmarks.Observe(reply.Bookmark);
        return reply.Results;
    }
}
