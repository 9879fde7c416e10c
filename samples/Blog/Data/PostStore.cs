using Atoll.Client;

namespace Blog.Data;

/// <summary>The guide's post operations (DatabaseManager): create, list a user's posts, update, publish, delete.</summary>
public sealed class PostStore([FromKeyedServices(BlogDatabase.Binding)] ID1Database db)
{
    public async Task<PostView> CreateAsync(long userId, string title, string? content, bool published, CancellationToken cancellationToken)
    {
        var result = await db.Prepare("""
            INSERT INTO posts (user_id, title, content, published, created_at)
            VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)
            """).Bind(userId, title, content, published).RunAsync(cancellationToken);
        return (await GetAsync(result.Meta.LastRowId, cancellationToken))!;
    }

    public Task<PostView?> GetAsync(long id, CancellationToken cancellationToken)
        => db.Prepare("SELECT * FROM posts WHERE id = ?").Bind(id).FirstAsync<PostView>(cancellationToken);

    public async Task<IReadOnlyList<PostView>> ForUserAsync(long userId, bool includeUnpublished, CancellationToken cancellationToken)
    {
        var query = """
            SELECT p.*, u.name as author_name
            FROM posts p
            JOIN users u ON p.user_id = u.id
            WHERE p.user_id = ?
            """;
        if (!includeUnpublished) query += " AND p.published = TRUE";
        query += " ORDER BY p.created_at DESC, p.id DESC";
        return (await db.Prepare(query).Bind(userId).AllAsync<PostView>(cancellationToken)).Results;
    }

    /// <summary>Updates a post its author owns; null when the author has no such post.</summary>
    public async Task<PostView?> UpdateAsync(long id, long userId, string title, string? content, bool published, CancellationToken cancellationToken)
    {
        var result = await db.Prepare("""
            UPDATE posts SET title = ?, content = ?, published = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ? AND user_id = ?
            """).Bind(title, content, published, id, userId).RunAsync(cancellationToken);
        return result.Meta.Changes > 0 ? await GetAsync(id, cancellationToken) : null;
    }

    public async Task<bool> PublishAsync(long id, long userId, CancellationToken cancellationToken)
        => (await db.Prepare("UPDATE posts SET published = TRUE, updated_at = CURRENT_TIMESTAMP WHERE id = ? AND user_id = ?")
            .Bind(id, userId).RunAsync(cancellationToken)).Meta.Changes > 0;

    public async Task<bool> DeleteAsync(long id, long userId, CancellationToken cancellationToken)
        => (await db.Prepare("DELETE FROM posts WHERE id = ? AND user_id = ?").Bind(id, userId).RunAsync(cancellationToken)).Meta.Changes > 0;
}
