using Atoll.Client;

namespace Blog.Data;

/// <summary>
/// The guide's MigrationManager: a <c>migrations</c> table, each migration run once by name, in order. One difference: each migration
/// runs in one batch with its <c>migrations</c> row, so a failed migration leaves nothing half-applied (the guide calls <c>exec</c>,
/// which D1 splits on newlines and so cannot run its multi-line CREATE TABLE statements at all).
/// </summary>
public sealed class Migrations([FromKeyedServices(BlogDatabase.Binding)] ID1Database db, ILogger<Migrations> logger)
{
    public static readonly IReadOnlyList<(string Name, string Sql)> All =
    [
        ("001_create_users_table", """
            CREATE TABLE IF NOT EXISTS users (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              name TEXT NOT NULL,
              email TEXT UNIQUE NOT NULL,
              password_hash TEXT NOT NULL,
              bio TEXT,
              created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
              updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
            );
            CREATE INDEX IF NOT EXISTS idx_users_email ON users(email);
            """),
        ("002_create_posts_table", """
            CREATE TABLE IF NOT EXISTS posts (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              user_id INTEGER NOT NULL,
              title TEXT NOT NULL,
              content TEXT,
              published BOOLEAN DEFAULT FALSE,
              created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
              updated_at DATETIME DEFAULT CURRENT_TIMESTAMP,
              FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
            );
            CREATE INDEX IF NOT EXISTS idx_posts_user_id ON posts(user_id);
            CREATE INDEX IF NOT EXISTS idx_posts_published ON posts(published);
            """),
        ("003_add_user_avatar", "ALTER TABLE users ADD COLUMN avatar_url TEXT;"),
        ("004_create_categories_table", """
            CREATE TABLE IF NOT EXISTS categories (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              name TEXT UNIQUE NOT NULL,
              description TEXT,
              created_at DATETIME DEFAULT CURRENT_TIMESTAMP
            );
            ALTER TABLE posts ADD COLUMN category_id INTEGER REFERENCES categories(id);
            CREATE INDEX IF NOT EXISTS idx_posts_category_id ON posts(category_id);
            """),
    ];

    public async Task InitializeAsync(CancellationToken cancellationToken)
        => await db.Prepare("""
            CREATE TABLE IF NOT EXISTS migrations (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              name TEXT UNIQUE NOT NULL,
              executed_at DATETIME DEFAULT CURRENT_TIMESTAMP
            )
            """).RunAsync(cancellationToken);

    /// <summary>Runs <paramref name="sql"/> unless a migration of that name already ran; returns whether it ran.</summary>
    public async Task<bool> RunAsync(string name, string sql, CancellationToken cancellationToken)
    {
        var existing = await db.Prepare("SELECT name FROM migrations WHERE name = ?").Bind(name).FirstAsync<string>("name", cancellationToken);
        if (existing is not null)
        {
            logger.LogInformation("Migration {Name} already executed", name);
            return false;
        }
        try
        {
            await db.BatchAsync([db.Prepare(sql), db.Prepare("INSERT INTO migrations (name) VALUES (?)").Bind(name)], cancellationToken);
        }
        catch (D1Exception ex)
        {
            logger.LogError(ex, "Migration {Name} failed", name);
            throw;
        }
        logger.LogInformation("Migration {Name} executed successfully", name);
        return true;
    }

    public async Task RunAllAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        foreach (var (name, sql) in All) await RunAsync(name, sql, cancellationToken);
    }

    public async Task<IReadOnlyList<MigrationStatus>> StatusAsync(CancellationToken cancellationToken)
        => (await db.Prepare("SELECT name, executed_at FROM migrations ORDER BY executed_at, id").AllAsync<MigrationStatus>(cancellationToken)).Results;
}
