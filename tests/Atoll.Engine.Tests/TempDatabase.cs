using System.Text.Json;

namespace Atoll.Engine.Tests;

/// <summary>A real database file in a temp directory, deleted on Dispose.</summary>
internal sealed class TempDatabase : IDisposable
{
    readonly string _directory = Path.Combine(Path.GetTempPath(), "atoll-test-" + Guid.NewGuid().ToString("N"));

    public TempDatabase(string? setupSql = null, EngineOptions? options = null)
    {
        Database = Database.Open(Path.Combine(_directory, "db.sqlite"), options);
        if (setupSql is not null) Database.Execute(QueryRequest.Single(setupSql));
    }

    public Database Database { get; }

    public JsonElement Run(string sql, params SqlValue[] parameters) => Run(QueryRequest.Single(sql, parameters));

    public JsonElement Run(QueryRequest request) => JsonDocument.Parse(Database.Execute(request).Json).RootElement.Clone();

    /// <summary>The <c>results</c> of the last result item, as JSON text.</summary>
    public string ResultsJson(string sql, params SqlValue[] parameters)
    {
        var items = Run(sql, parameters);
        return items[items.GetArrayLength() - 1].GetProperty("results").GetRawText();
    }

    public D1Exception Fails(string sql, params SqlValue[] parameters)
        => Assert.Throws<D1Exception>(() => Database.Execute(QueryRequest.Single(sql, parameters)));

    public void Dispose()
    {
        Database.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
