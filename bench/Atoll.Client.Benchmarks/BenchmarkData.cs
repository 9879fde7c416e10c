namespace Atoll.Client.Benchmarks;

/// <summary>The table every benchmark reads: 1,000 users.</summary>
internal static class BenchmarkData
{
    public const int Rows = 1000;
    public const string PointQuery = "SELECT id, name, email, score FROM users WHERE id = ?";

    public static async Task FillAsync(ID1Database db)
    {
        await db.Prepare("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, score REAL NOT NULL)").RunAsync();
        var insert = db.Prepare("INSERT INTO users (id, name, email, score) VALUES (?, ?, ?, ?)");
        await db.BatchAsync(Enumerable.Range(1, Rows).Select(i => insert.Bind(i, $"user {i}", $"user{i}@example.com", i * 1.5)));
    }
}
