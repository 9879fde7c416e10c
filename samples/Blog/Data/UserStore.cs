using Atoll.Client;

namespace Blog.Data;

/// <summary>The guide's user operations (DatabaseManager): create, read, paginate, update, delete.</summary>
public sealed class UserStore([FromKeyedServices(BlogDatabase.Binding)] ID1Database db)
{
    const string ProfileColumns = "id, name, email, bio, avatar_url, created_at, updated_at";

    public async Task<UserProfile> CreateAsync(string name, string email, string passwordHash, string? bio, CancellationToken cancellationToken)
    {
        var result = await db.Prepare("""
            INSERT INTO users (name, email, password_hash, bio, created_at, updated_at)
            VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)
            """).Bind(name, email, passwordHash, bio).RunAsync(cancellationToken);
        return (await GetAsync(result.Meta.LastRowId, cancellationToken))!;
    }

    public Task<UserProfile?> GetAsync(long id, CancellationToken cancellationToken)
        => db.Prepare($"SELECT {ProfileColumns} FROM users WHERE id = ?").Bind(id).FirstAsync<UserProfile>(cancellationToken);

    public Task<UserCredentials?> GetCredentialsAsync(string email, CancellationToken cancellationToken)
        => db.Prepare("SELECT id, name, email, password_hash, created_at FROM users WHERE email = ?").Bind(email).FirstAsync<UserCredentials>(cancellationToken);

    public async Task<bool> EmailExistsAsync(string email, CancellationToken cancellationToken)
        => await db.Prepare("SELECT 1 AS found FROM users WHERE email = ?").Bind(email).FirstAsync<long?>("found", cancellationToken) is not null;

    /// <summary>A page of users and the total; the count and the page come from one batch, so they agree.</summary>
    public async Task<UserPage> PageAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        var results = await db.BatchAsync([
            db.Prepare("SELECT COUNT(*) as total FROM users"),
            db.Prepare($"SELECT {ProfileColumns} FROM users ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?").Bind(limit, offset),
        ], cancellationToken);
        var total = results[0].As<long>().Results[0];
        return new UserPage(results[1].As<UserProfile>().Results, total, limit, offset, offset + limit < total);
    }

    /// <summary>Updates the profile; null when there is no such user (the guide's "not found").</summary>
    public async Task<UserProfile?> UpdateAsync(long id, string name, string email, string? bio, CancellationToken cancellationToken)
    {
        var result = await db.Prepare("""
            UPDATE users SET name = ?, email = ?, bio = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?
            """).Bind(name, email, bio, id).RunAsync(cancellationToken);
        return result.Meta.Changes > 0 ? await GetAsync(id, cancellationToken) : null;
    }

    /// <summary>Deletes the user's posts, then the user, atomically.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        var results = await db.BatchAsync([
            db.Prepare("DELETE FROM posts WHERE user_id = ?").Bind(id),
            db.Prepare("DELETE FROM users WHERE id = ?").Bind(id),
        ], cancellationToken);
        return results[1].Meta.Changes > 0;
    }
}
