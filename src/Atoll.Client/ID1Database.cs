namespace Atoll.Client;

/// <summary>
/// A D1 database, as a Worker's <c>env.DB</c> binding sees it: prepared statements, atomic batches, <c>exec</c> and sessions.
/// Get one from dependency injection (<c>AddD1Database</c>), from <see cref="D1Client.Open"/> or from <see cref="ITenantDatabases"/>.
/// </summary>
/// <remarks>Thread-safe. Disposing it releases its HTTP client or its share of the embedded database file.</remarks>
/// <seealso href="https://developers.cloudflare.com/d1/worker-api/d1-database/"/>
public interface ID1Database : IDisposable
{
    /// <summary>Prepares <paramref name="sql"/> (one statement, or several whose last one gives the result); bind values with <see cref="D1PreparedStatement.Bind"/>.</summary>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/d1-database/#prepare"/>
    D1PreparedStatement Prepare(string sql);

    /// <summary>Runs <paramref name="statements"/> in order as one transaction: all of them take effect, or (on any error) none.</summary>
    /// <returns>One result per statement, in order.</returns>
    /// <exception cref="D1Exception">A statement failed (the whole batch was rolled back) or the database could not be reached.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/d1-database/#batch"/>
    Task<IReadOnlyList<D1Result<System.Text.Json.JsonElement>>> BatchAsync(IEnumerable<D1PreparedStatement> statements,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs raw SQL without parameters, as D1's <c>exec</c> does: the text is split on newlines and each non-blank line is one query,
    /// so a statement must not span lines. Prefer <see cref="Prepare"/> for anything with user input.
    /// </summary>
    /// <exception cref="D1Exception"><c>D1_EXEC_ERROR</c> when a line fails.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/d1-database/#exec"/>
    Task<D1ExecResult> ExecAsync(string sql, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a session whose queries see at least the data of <paramref name="constraintOrBookmark"/>: <c>first-primary</c>,
    /// <c>first-unconstrained</c> (the default) or a bookmark from an earlier session's <see cref="ID1DatabaseSession.GetBookmark"/>.
    /// </summary>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/d1-database/#withsession"/>
    ID1DatabaseSession WithSession(string? constraintOrBookmark = null);
}
