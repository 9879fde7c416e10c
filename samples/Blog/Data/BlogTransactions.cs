using Atoll.Client;

namespace Blog.Data;

/// <summary>
/// The guide's TransactionManager, as D1 batches: each operation is one atomic batch. Where the guide's batch only looked at
/// <c>success</c> (which is always true: a failing statement throws), the statements themselves carry the guards.
/// </summary>
public sealed class BlogTransactions([FromKeyedServices(BlogDatabase.Binding)] ID1Database db)
{
    /// <summary>Moves every post of one user to another, only if both exist; the number moved, or null when either user is missing.</summary>
    public async Task<long?> TransferPostsAsync(long fromUserId, long toUserId, CancellationToken cancellationToken)
    {
        var results = await db.BatchAsync([
            db.Prepare("SELECT id FROM users WHERE id = ?").Bind(fromUserId),
            db.Prepare("SELECT id FROM users WHERE id = ?").Bind(toUserId),
            db.Prepare("UPDATE posts SET user_id = ? WHERE user_id = ? AND EXISTS (SELECT 1 FROM users WHERE id = ?)")
                .Bind(toUserId, fromUserId, toUserId),
            db.Prepare("UPDATE users SET updated_at = CURRENT_TIMESTAMP WHERE id = ?").Bind(toUserId),
        ], cancellationToken);
        if (results[0].Results.Count == 0 || results[1].Results.Count == 0) return null;
        return results[2].Meta.Changes;
    }

    /// <summary>Creates a user and their first post in one batch (the guide used two, so a failed post could leave a user without one).</summary>
    public async Task<(long UserId, long PostId)> CreateUserWithPostAsync(string name, string email, string passwordHash,
        string title, string? content, bool published, CancellationToken cancellationToken)
    {
        var results = await db.BatchAsync([
            db.Prepare("""
                INSERT INTO users (name, email, password_hash, created_at, updated_at)
                VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)
                """).Bind(name, email, passwordHash),
            db.Prepare("""
                INSERT INTO posts (user_id, title, content, published, created_at)
                VALUES (last_insert_rowid(), ?, ?, ?, CURRENT_TIMESTAMP)
                """).Bind(title, content, published),
        ], cancellationToken);
        return (results[0].Meta.LastRowId, results[1].Meta.LastRowId);
    }

    /// <summary>Inserts many posts in one batch; all or none.</summary>
    public async Task<IReadOnlyList<long>> BulkInsertPostsAsync(long userId, IReadOnlyList<(string Title, string? Content, bool Published)> posts,
        CancellationToken cancellationToken)
    {
        var insert = db.Prepare("""
            INSERT INTO posts (user_id, title, content, published, created_at)
            VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)
            """);
        var results = await db.BatchAsync(posts.Select(p => insert.Bind(userId, p.Title, p.Content, p.Published)), cancellationToken);
        return [.. results.Select(r => r.Meta.LastRowId)];
    }
}
