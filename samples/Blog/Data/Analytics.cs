using Atoll.Client;

namespace Blog.Data;

/// <summary>The guide's AnalyticsManager queries, verbatim except <see cref="RelatedPostsAsync"/> (see there).</summary>
public sealed class Analytics([FromKeyedServices(BlogDatabase.Binding)] ID1Database db)
{
    public async Task<UserStatistics> UserStatisticsAsync(CancellationToken cancellationToken)
        => (await db.Prepare("""
            SELECT
              COUNT(*) as total_users,
              COUNT(CASE WHEN created_at >= datetime('now', '-30 days') THEN 1 END) as users_last_30_days,
              COUNT(CASE WHEN created_at >= datetime('now', '-7 days') THEN 1 END) as users_last_7_days,
              AVG(post_count) as avg_posts_per_user
            FROM (
              SELECT
                u.id,
                u.created_at,
                COUNT(p.id) as post_count
              FROM users u
              LEFT JOIN posts p ON u.id = p.user_id
              GROUP BY u.id, u.created_at
            ) user_stats
            """).FirstAsync<UserStatistics>(cancellationToken))!;

    public async Task<PostStatistics> PostStatisticsAsync(CancellationToken cancellationToken)
        => (await db.Prepare("""
            SELECT
              COUNT(*) as total_posts,
              COUNT(CASE WHEN published = TRUE THEN 1 END) as published_posts,
              COUNT(CASE WHEN published = FALSE THEN 1 END) as draft_posts,
              COUNT(CASE WHEN created_at >= datetime('now', '-30 days') THEN 1 END) as posts_last_30_days,
              AVG(LENGTH(content)) as avg_content_length
            FROM posts
            """).FirstAsync<PostStatistics>(cancellationToken))!;

    public async Task<IReadOnlyList<TopAuthor>> TopAuthorsAsync(int limit, CancellationToken cancellationToken)
        => (await db.Prepare("""
            SELECT
              u.id,
              u.name,
              u.email,
              COUNT(p.id) as post_count,
              COUNT(CASE WHEN p.published = TRUE THEN 1 END) as published_count,
              AVG(LENGTH(p.content)) as avg_content_length
            FROM users u
            LEFT JOIN posts p ON u.id = p.user_id
            GROUP BY u.id, u.name, u.email
            HAVING post_count > 0
            ORDER BY post_count DESC
            LIMIT ?
            """).Bind(limit).AllAsync<TopAuthor>(cancellationToken)).Results;

    public async Task<IReadOnlyList<ContentTrend>> ContentTrendsAsync(int days, CancellationToken cancellationToken)
        => (await db.Prepare("""
            SELECT
              DATE(created_at) as date,
              COUNT(*) as posts_created,
              COUNT(CASE WHEN published = TRUE THEN 1 END) as posts_published,
              AVG(LENGTH(content)) as avg_content_length
            FROM posts
            WHERE created_at >= datetime('now', '-' || ? || ' days')
            GROUP BY DATE(created_at)
            ORDER BY date DESC
            """).Bind(days).AllAsync<ContentTrend>(cancellationToken)).Results;

    public async Task<IReadOnlyList<PostView>> SearchPostsAsync(string searchTerm, int limit, int offset, CancellationToken cancellationToken)
    {
        var searchQuery = $"%{searchTerm}%";
        return (await db.Prepare("""
            SELECT
              p.*,
              u.name as author_name,
              u.email as author_email
            FROM posts p
            JOIN users u ON p.user_id = u.id
            WHERE (
              p.title LIKE ? OR
              p.content LIKE ? OR
              u.name LIKE ?
            ) AND p.published = TRUE
            ORDER BY p.created_at DESC
            LIMIT ? OFFSET ?
            """).Bind(searchQuery, searchQuery, searchQuery, limit, offset).AllAsync<PostView>(cancellationToken)).Results;
    }

    /// <summary>
    /// The guide's "related posts by common title words". Its SQL does not run on SQLite (nor on D1), so two fragments are fixed,
    /// nothing else: <c>(SELECT title FROM current_post || ' ')</c> is a syntax error, now <c>(SELECT title || ' ' FROM current_post)</c>;
    /// and the second word's length, <c>INSTR(x || ' ', ' ', start) - first - 1</c>, passes a third argument SQLite's <c>instr</c>
    /// does not take; it is now <c>INSTR(SUBSTR(x || ' ', start), ' ') - 1</c>, the same length.
    /// </summary>
    public async Task<IReadOnlyList<PostView>> RelatedPostsAsync(long postId, int limit, CancellationToken cancellationToken)
        => (await db.Prepare("""
            WITH current_post AS (
              SELECT title FROM posts WHERE id = ?
            ),
            word_matches AS (
              SELECT
                p.*,
                u.name as author_name,
                (
                  LENGTH(p.title) - LENGTH(REPLACE(REPLACE(REPLACE(REPLACE(
                    UPPER(p.title),
                    UPPER(SUBSTR((SELECT title FROM current_post), 1, INSTR((SELECT title FROM current_post), ' ')-1)), ''
                  ),
                    UPPER(SUBSTR((SELECT title FROM current_post), INSTR((SELECT title FROM current_post), ' ')+1,
                      INSTR(SUBSTR((SELECT title || ' ' FROM current_post), INSTR((SELECT title FROM current_post), ' ')+1), ' ') - 1)), ''
                  ), ' ', ''), ' ', ''))
                ) as similarity_score
              FROM posts p
              JOIN users u ON p.user_id = u.id
              WHERE p.id != ? AND p.published = TRUE
            )
            SELECT *
            FROM word_matches
            WHERE similarity_score > 0
            ORDER BY similarity_score DESC
            LIMIT ?
            """).Bind(postId, postId, limit).AllAsync<PostView>(cancellationToken)).Results;
}
