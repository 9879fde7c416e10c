namespace Atoll.Client;

/// <summary>A sequence of queries with sequential consistency: each sees everything the ones before it wrote (D1's Sessions API).</summary>
/// <remarks>
/// An Atoll server (and the embedded engine) has a single primary, so every query already sees every committed write; the session
/// still tracks bookmarks so that code written for D1's read replication carries them between requests unchanged.
/// </remarks>
/// <seealso href="https://developers.cloudflare.com/d1/worker-api/d1-database/#withsession"/>
public interface ID1DatabaseSession
{
    /// <summary>Prepares <paramref name="sql"/> to run in this session.</summary>
    D1PreparedStatement Prepare(string sql);

    /// <summary>Runs <paramref name="statements"/> atomically in this session; see <see cref="ID1Database.BatchAsync"/>.</summary>
    /// <exception cref="D1Exception">A statement failed (the whole batch was rolled back) or the database could not be reached.</exception>
    Task<IReadOnlyList<D1Result<System.Text.Json.JsonElement>>> BatchAsync(IEnumerable<D1PreparedStatement> statements,
        CancellationToken cancellationToken = default);

    /// <summary>The latest bookmark this session has seen, or null while it has run nothing since starting from a constraint.</summary>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/d1-database/#getbookmark"/>
    string? GetBookmark();
}
