using Atoll.Engine.Connections;
using Atoll.Engine.Dump;
using Atoll.Engine.Import;

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
    /// Writes the database as a D1-format SQL dump to <paramref name="output"/>, from one read transaction on a reader
    /// connection: the dump shows one commit, and writes carry on while it runs.
    /// </summary>
    /// <returns>The commit the dump shows, and what it wrote.</returns>
    /// <exception cref="D1Exception">SQLite failed while reading.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/best-practices/import-export-data/"/>
    public DumpResult Dump(Stream output, DumpOptions options, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = _readers.Rent(cancellationToken);
        reader.BeginUnlimitedRequest(cancellationToken);
        try
        {
            reader.Begin();
            try
            {
                var sequence = reader.ReadCommitSequence(); // the first read fixes the snapshot
                reader.Authorizer.Trusted = true; // the engine's own reads: schema, shadow tables, every row
                var buffered = new DumpOutput(output);
                var writer = new DumpWriter(reader, buffered, options);
                writer.Write(cancellationToken);
                buffered.Flush();
                return new DumpResult(new Bookmark(sequence), writer.Statements, buffered.Written);
            }
            finally
            {
                reader.Commit();
            }
        }
        finally
        {
            reader.Authorizer.Trusted = false;
            reader.EndRequest();
            _readers.Return(reader);
        }
    }

    /// <summary>
    /// Runs a SQL script read from <paramref name="script"/> statement by statement, as one write transaction: all of it
    /// commits, or (on the first failing statement) none of it. The script is streamed, never held whole in memory.
    /// </summary>
    /// <returns>The totals and new bookmark, or the failing statement and its error (the database unchanged).</returns>
    /// <exception cref="OperationCanceledException">Never: cancellation interrupts SQLite and comes back as a failed result.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/best-practices/import-export-data/"/>
    public ImportResult Import(Stream script, CancellationToken cancellationToken = default)
    {
        lock (_writeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ScriptRunner.Run(_writer, script, cancellationToken);
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
