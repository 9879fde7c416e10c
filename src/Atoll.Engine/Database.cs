using Atoll.Engine.Connections;

namespace Atoll.Engine;

/// <summary>
/// One D1 database: a SQLite file in WAL mode with one writer connection and a pool of readers.
/// Each request runs atomically in one transaction; read-only requests run on readers, in parallel with the writer.
/// </summary>
/// <remarks>
/// Calls are synchronous: SQLite is. <see cref="Execute"/> is safe from any thread; writes are serialised by a
/// gate inside. Owners that queue writes themselves (the server's grain) call <see cref="TryExecuteRead"/> and
/// <see cref="ExecuteWrite"/> separately.
/// </remarks>
public sealed class Database : IDisposable
{
    readonly Connection _writer;
    readonly ReaderPool _readers;
    readonly Lock _writeGate = new();
    bool _disposed;

    Database(string path, EngineOptions options)
    {
        Path = path;
        Options = options;
        _writer = Connection.Open(path, options, reader: false);
        _readers = new ReaderPool(path, options, _writer.State);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The limits this database runs with.</summary>
    public EngineOptions Options { get; }

    /// <summary>Opens (creating if needed) the database file at <paramref name="path"/>.</summary>
    /// <exception cref="D1Exception">The file cannot be opened as a SQLite database.</exception>
    public static Database Open(string path, EngineOptions? options = null)
    {
        options ??= new EngineOptions();
        options.Validate();
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        return new Database(path, options);
    }

    /// <summary>Runs a request: on a reader when every statement is read-only, otherwise on the writer.</summary>
    /// <returns>The results, encoded as a JSON array of D1 result objects.</returns>
    /// <exception cref="D1Exception">The SQL failed; nothing it did was kept.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/d1-database/#batch"/>
    public EncodedResult Execute(QueryRequest request, CancellationToken cancellationToken = default)
        => TryExecuteRead(request, cancellationToken) ?? ExecuteWrite(request, cancellationToken);

    /// <summary>Runs the request on a reader if every statement is read-only; null (nothing ran) otherwise.</summary>
    /// <exception cref="D1Exception">The SQL failed, or a read-only request would write.</exception>
    public EncodedResult? TryExecuteRead(QueryRequest request, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = _readers.Rent(cancellationToken);
        try
        {
            return reader.Executor.TryExecuteReadOnly(request, cancellationToken);
        }
        finally
        {
            _readers.Return(reader);
        }
    }

    /// <summary>Runs the request on the writer, in one transaction rolled back whole on any error.</summary>
    /// <exception cref="D1Exception">The SQL failed; nothing it did was kept.</exception>
    public EncodedResult ExecuteWrite(QueryRequest request, CancellationToken cancellationToken = default)
    {
        lock (_writeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _writer.Executor.Execute(request, cancellationToken);
        }
    }

    /// <summary>
    /// Writes a consistent copy of the committed database to a new SQLite file at <paramref name="path"/>, from a reader's
    /// snapshot, so writes go on meanwhile. Returns the bookmark the copy reflects.
    /// </summary>
    /// <exception cref="D1Exception">The copy failed; a partial file may remain at <paramref name="path"/>.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/d1-database/#dump"/>
    public Bookmark BackupTo(string path, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = _readers.Rent(cancellationToken);
        try
        {
            return new Bookmark(reader.BackupTo(path));
        }
        finally
        {
            _readers.Return(reader);
        }
    }

    /// <summary>The last committed write's bookmark.</summary>
    public Bookmark CurrentBookmark => new(_writer.State.Sequence);

    /// <summary>Counts user tables and measures the database.</summary>
    public DatabaseStats Stats()
    {
        var result = Execute(QueryRequest.Single(
            "SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'"));
        using var json = System.Text.Json.JsonDocument.Parse(result.Json);
        var n = json.RootElement[0].GetProperty("results")[0].GetProperty("n").GetInt32();
        return new DatabaseStats(n, result.Totals.SizeAfter);
    }

    /// <summary>Closes the writer and every reader; the file stays.</summary>
    public void Dispose()
    {
        lock (_writeGate)
        {
            if (_disposed) return;
            _disposed = true;
            _readers.Dispose();
            _writer.Dispose();
        }
    }
}
