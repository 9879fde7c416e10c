using System.Text.Json;
using Atoll.Client;
using Atoll.Client.Admin;

namespace Atoll.Cli.Migrations;

/// <summary>
/// A database's own <c>d1_migrations</c> table, with wrangler's schema and bookkeeping insert: each migration runs in one atomic
/// request together with its row, so the table is the exact record of what was applied — and what a new run resumes from.
/// </summary>
internal static class MigrationTable
{
    public const string Name = "d1_migrations";

    const string Create = """
        CREATE TABLE IF NOT EXISTS "d1_migrations"(
        		id         INTEGER PRIMARY KEY AUTOINCREMENT,
        		name       TEXT UNIQUE,
        		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
        );
        """;

    const string Select = """SELECT id, name, applied_at FROM "d1_migrations" ORDER BY id""";

    /// <summary>The applied migrations (name → applied_at); with <paramref name="createTable"/> the table is made first, as wrangler does.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> AppliedAsync(AtollServerApi server, string database, bool createTable,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<D1Result<JsonElement>> results;
        try
        {
            results = await server.ExecuteAsync(database, createTable ? Create + "\n" + Select : Select, cancellationToken).ConfigureAwait(false);
        }
        catch (D1Exception ex) when (!createTable && ex.Detail.StartsWith("no such table: d1_migrations", StringComparison.Ordinal))
        {
            return new Dictionary<string, string>();
        }
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in results[^1].Results)
            if (row.GetProperty("name").GetString() is { } name) applied[name] = row.GetProperty("applied_at").ToString();
        return applied;
    }

    /// <summary>Runs the migration and records it, in one request: both happen or neither.</summary>
    public static Task ApplyAsync(AtollServerApi server, string database, Migration migration, string sql, CancellationToken cancellationToken)
        => server.ExecuteAsync(database, $"{sql}\nINSERT INTO \"d1_migrations\" (name)\nvalues ('{migration.Name.Replace("'", "''", StringComparison.Ordinal)}');",
            cancellationToken);
}
