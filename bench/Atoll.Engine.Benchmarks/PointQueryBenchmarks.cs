using Atoll.Engine;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace Atoll.Engine.Benchmarks;

/// <summary>
/// One point SELECT by primary key on a 100k-row table: the engine (prepare from cache, bind, step, encode
/// the D1 result object to UTF-8 JSON) against raw Microsoft.Data.Sqlite with a prepared command that
/// reads the same columns. Goal: the engine's per-query cost ≤ 1.5× raw.
/// </summary>
[MemoryDiagnoser]
public class PointQueryBenchmarks
{
    const int Rows = 100_000;
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-bench-" + Guid.NewGuid().ToString("N"));
    Database _database = null!;
    SqliteConnection _raw = null!;
    SqliteCommand _rawCommand = null!;
    SqliteParameter _rawId = null!;
    int _next;

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "db.sqlite");
        _database = Database.Open(path);
        _database.Execute(QueryRequest.Single("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, score REAL)"));
        _database.Execute(QueryRequest.Single($"""
            INSERT INTO users(id, name, email, score)
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
            SELECT i, 'user ' || i, 'user' || i || '@example.com', i * 0.5 FROM n
            """));
        _raw = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        _raw.Open();
        _rawCommand = _raw.CreateCommand();
        _rawCommand.CommandText = "SELECT id, name, email, score FROM users WHERE id = $id";
        _rawId = _rawCommand.Parameters.Add("$id", SqliteType.Integer);
        _rawId.Value = 1;
        _rawCommand.Prepare();
    }

    int NextId() => _next = _next % Rows + 1;

    [Benchmark(Baseline = true, Description = "raw Microsoft.Data.Sqlite prepared command")]
    public long Raw()
    {
        _rawId.Value = NextId();
        using var reader = _rawCommand.ExecuteReader();
        reader.Read();
        return reader.GetInt64(0) + reader.GetString(1).Length + reader.GetString(2).Length + (long)reader.GetDouble(3);
    }

    [Benchmark(Description = "Atoll engine: point query → D1 JSON")]
    public int Engine()
        => _database.Execute(QueryRequest.Single("SELECT id, name, email, score FROM users WHERE id = ?", SqlValue.FromInteger(NextId()))).Json.Length;

    [GlobalCleanup]
    public void Cleanup()
    {
        _rawCommand.Dispose();
        _raw.Dispose();
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
