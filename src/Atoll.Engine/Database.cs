using System.Globalization;
using Atoll.Engine.ChangeLog;
using Atoll.Engine.Connections;
using Atoll.Engine.Dump;
using Atoll.Engine.Execution;
using Atoll.Engine.Import;

namespace Atoll.Engine;

/// <summary>
/// One D1 database: a SQLite file in WAL mode with one writer connection, a pool of readers and (unless disabled) a
/// change log. Each request runs atomically in one transaction; read-only requests run on readers, in parallel with
/// the writer; every commit is captured into the log before the write returns.
/// </summary>
/// <remarks>
/// Calls are synchronous where SQLite is: <see cref="Execute"/> is safe from any thread; writes are serialised by a
/// gate inside. Owners that queue writes themselves (the server's grain) call <see cref="TryExecuteRead"/> and
/// <see cref="ExecuteWrite"/> separately. Restore and fork are asynchronous: they may read the object store.
/// </remarks>
public sealed class Database : IDisposable, IAsyncDisposable
{
    readonly SemaphoreSlim _writeGate = new(1, 1);
    readonly DatabaseLog? _log;
    readonly KnownWrites _knownWrites = new();
    Connection _writer;
    ReaderPool _readers;
    bool _disposed;

    Database(string path, EngineOptions options, DatabaseLog? log, Connection writer)
    {
        Path = path;
        Options = options;
        _log = log;
        _writer = writer;
        _readers = new ReaderPool(path, options, writer.State);
        if (log is not null) writer.AfterCommit = (sequence, receipt) => log.Capture(writer, sequence, receipt);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The limits this database runs with.</summary>
    public EngineOptions Options { get; }

    /// <summary>The change log (tests and benchmarks look inside).</summary>
    internal DatabaseLog? Log => _log;

    /// <summary>True when a change log is kept (Time Travel, fork, backups).</summary>
    public bool HasChangeLog => _log is not null;

    /// <summary>Why this copy stopped owning the database's history (another owner published first), or null while it owns it.</summary>
    public string? Fenced => _log?.Shipper?.Fenced;

    /// <summary>Opens (creating if needed) the database file at <paramref name="path"/>, local files only.</summary>
    /// <exception cref="D1Exception">The file cannot be opened as a SQLite database.</exception>
    /// <remarks>With an object store this blocks while a lost database is hydrated from it (an open of local files never asks the store).</remarks>
    public static Database Open(string path, EngineOptions? options = null, ChangeLogOptions? changeLog = null)
        => OpenAsync(path, options, changeLog).GetAwaiter().GetResult();

    /// <summary>
    /// Opens the database at <paramref name="path"/>: creates it, or rebuilds it from its change log (local, else the
    /// object store) when the file is missing or behind its log.
    /// </summary>
    public static async Task<Database> OpenAsync(string path, EngineOptions? options = null, ChangeLogOptions? changeLog = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new EngineOptions();
        options.Validate();
        changeLog ??= new ChangeLogOptions();
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        if (!changeLog.Enabled) return new Database(path, options, null, Connection.Open(path, options, reader: false, syncEveryCommit: options.SyncEveryCommit ?? true));

        // Only a database whose file is gone asks the store for its history: a new one has none (the store may be down).
        if (!File.Exists(path) && changeLog.ObjectStore is not null && !changeLog.IsNew)
            await LogStore.HydrateAsync(path, changeLog, cancellationToken).ConfigureAwait(false);
        var log = DatabaseLog.Open(path, changeLog);
        try
        {
            if (!File.Exists(path) && log.LastSequence >= 0) await RebuildAsync(log.Store, path, log.LastSequence, cancellationToken).ConfigureAwait(false);
            var writer = Connection.Open(path, options, reader: false, syncEveryCommit: options.SyncEveryCommit ?? false);
            if (!log.Attach(writer))
            {
                // The file is behind its log (its WAL was lost, or an older copy was put back): rebuild it.
                writer.Dispose();
                await RebuildAsync(log.Store, path, log.LastSequence, cancellationToken).ConfigureAwait(false);
                writer = Connection.Open(path, options, reader: false, syncEveryCommit: options.SyncEveryCommit ?? false);
                if (!log.Attach(writer)) throw new InvalidDataException($"{path} is still behind its change log after a rebuild");
            }
            return new Database(path, options, log, writer);
        }
        catch
        {
            await log.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    static async Task RebuildAsync(LogStore log, string path, long sequence, CancellationToken cancellationToken)
    {
        var temp = path + ".rebuild";
        await Reconstruction.BuildAsync(log, sequence, temp, cancellationToken).ConfigureAwait(false);
        File.Delete(path + "-wal");
        File.Delete(path + "-shm");
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Runs a request: on a reader when every statement is read-only, otherwise on the writer.</summary>
    /// <returns>The results, encoded as a JSON array of D1 result objects.</returns>
    /// <exception cref="D1Exception">The SQL failed; nothing it did was kept.</exception>
    /// <seealso href="https://developers.cloudflare.com/d1/worker-api/d1-database/#batch"/>
    public EncodedResult Execute(QueryRequest request, CancellationToken cancellationToken = default)
    {
        if (TryExecuteRead(request, cancellationToken) is not { } read) return ExecuteWrite(request, cancellationToken);
        SyncLog(read.Bookmark); // an output gate: a read is answered only once what it saw is durable
        return read;
    }

    /// <summary>Runs the request on a reader if every statement is read-only; null (nothing ran) otherwise.</summary>
    /// <exception cref="D1Exception">The SQL failed, or a read-only request would write.</exception>
    public EncodedResult? TryExecuteRead(QueryRequest request, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // A read-only token's request always tries a reader: that is where it learns it may not write.
        if (IsKnownWrite(request)) return null;
        var readers = _readers;
        var reader = readers.Rent(cancellationToken);
        try
        {
            var result = reader.Executor.TryExecuteReadOnly(request, cancellationToken);
            if (result is null && reader.Executor.WriteText is { } write) _knownWrites.Add(write);
            return result;
        }
        finally
        {
            readers.Return(reader);
        }
    }

    /// <summary>
    /// True when a reader already found a statement of <paramref name="request"/> to write: <see cref="TryExecuteRead"/>
    /// would return null at once, so an owner that queues reads can send it to the writer without taking a reader slot.
    /// </summary>
    public bool IsKnownWrite(QueryRequest request) => !request.ReadOnly && _knownWrites.Contains(request);

    /// <summary>Runs the request on the writer, in one transaction rolled back whole on any error; durably logged before it returns.</summary>
    /// <exception cref="D1Exception">The SQL failed; nothing it did was kept.</exception>
    public EncodedResult ExecuteWrite(QueryRequest request, CancellationToken cancellationToken = default)
    {
        var result = ExecuteWriteUnsynced(request, cancellationToken);
        Acknowledge(result.Bookmark, cancellationToken);
        return result;
    }

    /// <summary>
    /// <see cref="ExecuteWrite"/> up to its final wait: returns once the commit is made (and, at <c>synchronous=FULL</c>,
    /// synced in SQLite's WAL) and its change-log entry is written, but before that entry is synced. Call
    /// <see cref="SyncLog"/> with the result's bookmark before acknowledging the write. A caller that serialises writes
    /// itself releases its own gate in between, so concurrent writes share one sync (group commit).
    /// </summary>
    /// <exception cref="D1Exception">The SQL failed; nothing it did was kept.</exception>
    public EncodedResult ExecuteWriteUnsynced(QueryRequest request, CancellationToken cancellationToken = default)
    {
        _writeGate.Wait(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _log?.Shipper?.ThrowIfFenced();
            // A request sent again (its first answer lost with a node, or resent by a client under its Idempotency-Key) is
            // answered from its first commit's receipt, not run twice.
            if (request.RequestId is { } id)
            {
                if (_log is null)
                    throw new D1Exception(D1ErrorCode.BadRequest, "An idempotent write (Idempotency-Key) needs the change log, where its answer is kept; this database has none (Time Travel is off).");
                if (_log.Receipts.Find(id) is { } receipt) return Answer(receipt);
            }
            return _writer.Executor.Execute(request, cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    static EncodedResult Answer(WriteReceipt receipt) => receipt.Result.Count >= 0 ? receipt.Result with { Replayed = true }
        : throw new D1Exception(D1ErrorCode.SqlError, $"This write was applied at bookmark {receipt.Result.Bookmark} (this request was sent again), "
            + $"but its result was larger than {WriteReceipt.MaxJsonBytes} bytes and was not kept.");

    /// <summary>
    /// Makes the change-log entries of every commit up to <paramref name="bookmark"/> durable; one sync covers every
    /// entry written before it, and a call finding its entry already synced returns at once. Nothing to do without a log.
    /// </summary>
    /// <exception cref="D1Exception">The log could not be synced (the commits stay; the next one starts a new baseline).</exception>
    public void SyncLog(Bookmark bookmark) => _log?.SyncThrough(bookmark.Sequence);

    /// <inheritdoc cref="SyncLog"/>
    /// <remarks>Waits without holding a thread; a sync this call leads runs on the thread pool.</remarks>
    public Task SyncLogAsync(Bookmark bookmark) => _log?.SyncThroughAsync(bookmark.Sequence) ?? Task.CompletedTask;

    /// <summary>
    /// Waits until the commits up to <paramref name="bookmark"/> may be acknowledged under this database's durability
    /// policy: synced in the local log, and — with <see cref="ChangeLogOptions.WaitForUpload"/> — in the object store
    /// (up to <see cref="ChangeLogOptions.UploadTimeout"/>). Every write path of the engine calls it; an owner that
    /// queues writes itself (the server) calls it after <see cref="ExecuteWriteUnsynced"/>.
    /// </summary>
    /// <exception cref="D1Exception">The log could not be synced, the store did not take the commit in time (7429), or this copy was fenced.</exception>
    public async Task AcknowledgeAsync(Bookmark bookmark, CancellationToken cancellationToken = default)
    {
        await SyncLogAsync(bookmark).ConfigureAwait(false);
        if (_log is { Options.WaitForUpload: true, Shipper: { } shipper })
            await shipper.WaitForAsync(bookmark.Sequence, _log.Options.UploadTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="AcknowledgeAsync"/>
    public void Acknowledge(Bookmark bookmark, CancellationToken cancellationToken = default)
    {
        SyncLog(bookmark);
        if (_log is { Options.WaitForUpload: true, Shipper: { } shipper })
            shipper.WaitForAsync(bookmark.Sequence, _log.Options.UploadTimeout, cancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>What the change log's background work did and how often it failed; null without a log.</summary>
    public ChangeLogCounters? LogCounters => _log?.Counters;

    /// <summary>
    /// Deletes everything of the database at <paramref name="path"/> (closed): its folder and its history in the
    /// object store under <see cref="ChangeLogOptions.ObjectPrefix"/>.
    /// </summary>
    public static Task DeleteAsync(string path, ChangeLogOptions? changeLog = null, CancellationToken cancellationToken = default)
        => LogStore.DeleteAsync(path, changeLog ?? new ChangeLogOptions(), cancellationToken);

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

    /// <summary>The writer connection, for tests that need to see or hook it (a blocking function, a setting's value).</summary>
    internal Connection Writer => _writer;

    /// <summary>The last committed write's bookmark.</summary>
    public Bookmark CurrentBookmark => new(_writer.State.Sequence);

    /// <summary>Completes once the object store holds every commit up to <paramref name="bookmark"/> (immediately without a store).</summary>
    /// <exception cref="D1Exception">The store did not take it in time (7429); the commit stays local and is shipped later.</exception>
    public Task WaitForUploadAsync(Bookmark bookmark, TimeSpan timeout, CancellationToken cancellationToken = default)
        => _log?.Shipper is { } shipper ? shipper.WaitForAsync(bookmark.Sequence, timeout, cancellationToken) : Task.CompletedTask;

    /// <summary>The change-log entry a bookmark names, and when it committed.</summary>
    /// <exception cref="D1Exception">No change log, or the bookmark names no retained commit of this database (7400).</exception>
    public DateTimeOffset CommitTimeOf(Bookmark bookmark)
    {
        var log = RequireLog();
        var expired = $"Bookmark {bookmark} has expired: it is older than the retention window ({Describe(log.Options.Retention)}).";
        var position = log.Store.Index.Find(bookmark.Sequence)
            ?? throw new D1Exception(D1ErrorCode.BadRequest, log.Store.Index.First is { } first && bookmark.Sequence < first.Sequence
                ? expired : $"Bookmark {bookmark} does not name a commit of this database.");
        var time = DateTimeOffset.FromUnixTimeMilliseconds(position.CommitTimeMs);
        if (time < log.Options.Clock.GetUtcNow() - log.Options.Retention) throw new D1Exception(D1ErrorCode.BadRequest, expired);
        return time;
    }

    /// <summary>The bookmark of the last commit at or before <paramref name="timestamp"/> (deterministic: the same answer every time).</summary>
    /// <exception cref="D1Exception">The timestamp is in the future, beyond retention, or before the database existed (7400).</exception>
    public Bookmark BookmarkAt(DateTimeOffset timestamp)
    {
        var log = RequireLog();
        var now = log.Options.Clock.GetUtcNow();
        if (timestamp > now.AddSeconds(1)) throw new D1Exception(D1ErrorCode.BadRequest, $"Timestamp {Describe(timestamp)} is in the future.");
        if (timestamp < now - log.Options.Retention)
            throw new D1Exception(D1ErrorCode.BadRequest,
                $"Timestamp {Describe(timestamp)} is beyond the retention window ({Describe(log.Options.Retention)}).");
        var position = log.Store.Index.AtOrBefore(timestamp.ToUnixTimeMilliseconds())
            ?? throw new D1Exception(D1ErrorCode.BadRequest, $"No commit at or before {Describe(timestamp)}: the database's history starts later"
                + (log.Store.Index.First is { } first ? $", at {Describe(DateTimeOffset.FromUnixTimeMilliseconds(first.CommitTimeMs))}." : "."));
        return new Bookmark(position.Sequence);
    }

    /// <summary>
    /// Restores this database in place to <paramref name="target"/>: in-flight reads are interrupted, the state at the
    /// bookmark becomes a new commit, and every older bookmark stays valid, so the restore can be undone.
    /// </summary>
    /// <returns>The new bookmark, and the bookmark just before the restore (the undo point).</returns>
    /// <exception cref="D1Exception">No change log, or the bookmark cannot be restored.</exception>
    public async Task<(Bookmark Bookmark, Bookmark Previous)> RestoreAsync(Bookmark target, CancellationToken cancellationToken = default)
    {
        var log = RequireLog();
        CommitTimeOf(target); // validates
        Bookmark restored, previous;
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            log.Shipper?.ThrowIfFenced();
            previous = new Bookmark(log.LastSequence);
            var sequence = Math.Max(log.LastSequence, _writer.State.Sequence) + 1;
            var temp = Path + ".restore";
            var checksum = await Reconstruction.BuildAsync(log.Store, target.Sequence, temp, cancellationToken).ConfigureAwait(false);
            var page1 = StampSequence(temp, checksum, sequence);

            await _readers.CloseAsync().ConfigureAwait(false);
            var state = _writer.State;
            _writer.Dispose();
            File.Delete(Path + "-wal");
            File.Delete(Path + "-shm");
            File.Move(temp, Path, overwrite: true);
            log.AppendRestore(sequence, target.Sequence, checksum.PageSize, checksum.Pages, page1, checksum);
            log.Store.Snapshots.SaveLocal(sequence, Path);
            log.Snapshots.Saved(sequence);

            _writer = Connection.Open(Path, Options, reader: false, state, Options.SyncEveryCommit ?? false);
            log.Reattach(_writer);
            var writer = _writer;
            writer.AfterCommit = (s, receipt) => log.Capture(writer, s, receipt);
            _readers = new ReaderPool(Path, Options, state);
            restored = new Bookmark(sequence);
        }
        finally
        {
            _writeGate.Release();
        }
        await AcknowledgeAsync(restored, cancellationToken).ConfigureAwait(false);
        return (restored, previous);
    }

    /// <summary>Writes the database as it was at <paramref name="at"/> to a new file (a fork's starting point).</summary>
    /// <exception cref="D1Exception">No change log, or the bookmark cannot be reached.</exception>
    public Task ForkAsync(Bookmark at, string path, CancellationToken cancellationToken = default)
    {
        CommitTimeOf(at);
        return CopyAsync(at, path, cancellationToken);
    }

    /// <summary>
    /// Writes the database as it is at <paramref name="at"/>, a recent durable commit, to a new file (a replica's
    /// starting point). No retention check: the current state is never beyond retention, however long ago its commit was.
    /// </summary>
    /// <exception cref="D1Exception">No change log, or the log cannot reach <paramref name="at"/>.</exception>
    public async Task CopyAsync(Bookmark at, string path, CancellationToken cancellationToken = default)
    {
        var log = RequireLog();
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        await Reconstruction.BuildAsync(log.Store, at.Sequence, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The encoded change-log entries after <paramref name="after"/> up to <paramref name="through"/> (at most
    /// <paramref name="maxEntries"/>), in order: what a read replica applies. The caller passes a durable
    /// <paramref name="through"/> so a replica never sees a commit that could still be lost.
    /// </summary>
    /// <exception cref="D1Exception">No change log.</exception>
    public IReadOnlyList<byte[]> ReadLogEntries(long after, long through, int maxEntries)
    {
        var log = RequireLog();
        var positions = log.Store.Index.Range(after, through);
        var entries = new List<byte[]>(Math.Min(maxEntries, positions.Count));
        foreach (var position in positions.Take(maxEntries))
            entries.Add(position.Kind == LogEntryKind.Commit ? LogStore.Read(position).Encode() : MarkerOf(position));
        return entries;
    }

    // Restores and baselines are not page-by-page continuations: a replica meeting one starts again from a copy.
    static byte[] MarkerOf(LogPosition position) => new LogEntry(position.Sequence, position.CommitTimeMs, position.Kind,
        position.TargetSequence, 4096, position.DatabasePages, 0, position.ChecksumAfter, []).Encode();

    /// <summary>When the commit <paramref name="sequence"/> was made, if the log still holds it (replica lag).</summary>
    public DateTimeOffset? LoggedCommitTime(long sequence)
        => _log?.Store.Index.Find(sequence) is { } position ? DateTimeOffset.FromUnixTimeMilliseconds(position.CommitTimeMs) : null;

    /// <summary>Waits for background snapshot work to finish (tests and benchmarks).</summary>
    public Task WhenIdleAsync() => _log?.Snapshots.Idle ?? Task.CompletedTask;

    /// <summary>The retained history: commits per minute, restores, snapshots (for a timeline).</summary>
    /// <exception cref="D1Exception">No change log (7400).</exception>
    public DatabaseTimeline Timeline() => DatabaseTimeline.Of(RequireLog().Store, CurrentBookmark);

    /// <summary>Drops history older than the retention window (it also happens after each periodic snapshot).</summary>
    /// <remarks>A failure is counted in <see cref="LogCounters"/> and reported to <see cref="ChangeLogOptions.OnFailure"/>, not thrown.</remarks>
    public Task ExpireHistoryAsync(CancellationToken cancellationToken = default) => RequireLog().Snapshots.ExpireAsync(cancellationToken);

    // Page 1 of the restored file gets the new sequence in its header, so the file and the log agree.
    static byte[] StampSequence(string path, PageChecksum checksum, long sequence)
    {
        var page1 = new byte[checksum.PageSize];
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.RandomAccess);
        RandomAccess.Read(file.SafeFileHandle, page1, 0);
        CommitSequence.Stamp(page1, sequence);
        RandomAccess.Write(file.SafeFileHandle, page1, 0);
        file.Flush(flushToDisk: true);
        checksum.Set(1, page1);
        return page1;
    }

    // As wrangler prints timestamps (toISOString): UTC, milliseconds, Z.
    static string Describe(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    static string Describe(TimeSpan span)
        => span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.TotalDays:0} {(span.TotalDays == 1 ? "day" : "days")}" : span.ToString("c", CultureInfo.InvariantCulture);

    DatabaseLog RequireLog()
        => _log ?? throw new D1Exception(D1ErrorCode.BadRequest, "This database keeps no change log: Time Travel is off.");

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
        ImportResult result;
        _writeGate.Wait(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            result = ScriptRunner.Run(_writer, script, cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
        if (result.Success) Acknowledge(result.Bookmark, cancellationToken);
        return result;
    }


    /// <summary>Counts user tables and measures the database.</summary>
    public DatabaseStats Stats()
    {
        var result = Execute(QueryRequest.Single(
            "SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'"));
        using var json = System.Text.Json.JsonDocument.Parse(result.Json);
        var n = json.RootElement[0].GetProperty("results")[0].GetProperty("n").GetInt32();
        return new DatabaseStats(n, result.Totals.SizeAfter);
    }

    /// <summary>Closes the writer, every reader and the change log; the files stay.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            _readers.Dispose();
            _writer.Dispose();
            if (_log is not null) await _log.CloseAsync(clean: true).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
