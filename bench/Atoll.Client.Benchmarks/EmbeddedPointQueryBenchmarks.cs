using Atoll.Engine;
using BenchmarkDotNet.Attributes;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Atoll.Client.Benchmarks;

/// <summary>
/// One row by primary key, mapped to a class: the SDK's embedded mode against Microsoft.Data.Sqlite + Dapper (the baseline) and a
/// hand-written SqliteDataReader loop, on the same file.
/// </summary>
[MemoryDiagnoser]
public class EmbeddedPointQueryBenchmarks
{
    string _directory = "";
    ID1Database _db = null!;
    D1PreparedStatement _byId = null!;
    SqliteConnection _sqlite = null!;
    SqliteCommand _command = null!;
    Database _engine = null!;
    int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "atoll-bench-" + Guid.NewGuid().ToString("N"));
        _db = D1Client.Open(new D1DatabaseOptions { DataDirectory = _directory, Database = "bench", CreateIfMissing = true });
        await BenchmarkData.FillAsync(_db);
        _byId = _db.Prepare(BenchmarkData.PointQuery);
        _sqlite = new SqliteConnection($"Data Source={Path.Combine(_directory, "bench", "db.sqlite")};Mode=ReadOnly");
        _sqlite.Open();
        _command = new SqliteCommand("SELECT id, name, email, score FROM users WHERE id = $id", _sqlite);
        _command.Parameters.Add("$id", SqliteType.Integer);
        _engine = Database.Open(Path.Combine(_directory, "bench", "db.sqlite")); // a second engine instance, only read here
    }

    int NextId() => _next = _next % BenchmarkData.Rows + 1;

    [Benchmark(Baseline = true, Description = "Dapper QueryFirst<UserRow> (Microsoft.Data.Sqlite)")]
    public UserRow Dapper() => _sqlite.QueryFirst<UserRow>("SELECT id, name, email, score FROM users WHERE id = @id", new { id = NextId() });

    [Benchmark(Description = "Microsoft.Data.Sqlite reader, hand-mapped")]
    public UserRow SqliteReader()
    {
        _command.Parameters[0].Value = NextId();
        using var reader = _command.ExecuteReader();
        reader.Read();
        return new UserRow { Id = reader.GetInt64(0), Name = reader.GetString(1), Email = reader.GetString(2), Score = reader.GetDouble(3) };
    }

    /// <summary>The engine alone (encodes the row as D1 JSON, no mapping): what the SDK's own layer adds is the difference.</summary>
    [Benchmark(Description = "Atoll engine Execute (JSON, no mapping)")]
    public EncodedResult EngineOnly() => _engine.Execute(new QueryRequest([new Statement(BenchmarkData.PointQuery, [SqlValue.FromInteger(NextId())])],
        ResultShape.ColumnsAndRows, StatementResults.LastStatement));

    [Benchmark(Description = "SDK embedded FirstAsync<UserRow>")]
    public async Task<UserRow?> SdkTyped() => await _byId.Bind(NextId()).FirstAsync<UserRow>();

    [Benchmark(Description = "SDK embedded FirstAsync() (JsonElement)")]
    public async Task<System.Text.Json.JsonElement?> SdkUntyped() => await _byId.Bind(NextId()).FirstAsync();

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _command.Dispose();
        _sqlite.Dispose();
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
