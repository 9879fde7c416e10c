using Atoll.Engine.Execution;
using Atoll.Engine.Sandbox;
using SQLitePCL;

namespace Atoll.Engine.Connections;

/// <summary>
/// One SQLite connection configured as D1's engine is: limits, foreign keys on, defensive mode, the sandbox
/// authorizer and a time limit per request. The writer owns transactions; readers open the file read-only.
/// </summary>
/// <remarks>Not thread-safe: used by one caller at a time (the writer under the database's write gate, a reader while rented).</remarks>
internal sealed class Connection : IDisposable
{
    const int SqliteLimitLength = 0, SqliteLimitSqlLength = 1, SqliteLimitColumn = 2, SqliteLimitExprDepth = 3,
        SqliteLimitCompoundSelect = 4, SqliteLimitVdbeOp = 5, SqliteLimitFunctionArg = 6, SqliteLimitAttached = 7,
        SqliteLimitLikePatternLength = 8, SqliteLimitVariableNumber = 9, SqliteLimitTriggerDepth = 10;
    const int SqliteDbConfigDefensive = 1010;
    const int ProgressInterval = 1000; // VM instructions between time-limit checks

    static Connection() => Batteries_V2.Init();

    readonly delegate_progress _progress;
    readonly sqlite3_stmt _pageCount;
    readonly sqlite3_stmt _userVersion, _applicationId; // the commit sequence's low and high 32 bits
    readonly sqlite3_stmt _begin, _commit, _rollback; // prepared once: parsing BEGIN/COMMIT per request costs more than a point query's step
    readonly sqlite3_stmt _tempObjects, _reservedNames;
    long _deadline = long.MaxValue;
    CancellationToken _cancellation;

    Connection(sqlite3 handle, bool isReader, EngineOptions options)
    {
        Handle = handle;
        IsReader = isReader;
        Options = options;
        Statements = new StatementCache(options.StatementCacheSize);
        Executor = new StatementExecutor(this);
        _progress = OnProgress;
        raw.sqlite3_progress_handler(handle, ProgressInterval, _progress, null);
        Authorizer.Install(handle);
        _pageCount = PrepareTrusted("PRAGMA page_count");
        _userVersion = PrepareTrusted("PRAGMA user_version");
        _applicationId = PrepareTrusted("PRAGMA application_id");
        _begin = PrepareTrusted(isReader ? "BEGIN" : "BEGIN IMMEDIATE");
        _commit = PrepareTrusted("COMMIT");
        _rollback = PrepareTrusted("ROLLBACK");
        _tempObjects = PrepareTrusted("SELECT 1 FROM temp.sqlite_master LIMIT 1");
        _reservedNames = PrepareTrusted("SELECT 1 FROM main.sqlite_master WHERE lower(substr(name, 1, 4)) = '_cf_' LIMIT 1");
        PageSize = QueryScalar("PRAGMA page_size");
    }

    /// <summary>The last commit of this connection's database, shared by its writer and readers.</summary>
    public CommitState State { get; private set; } = new();

    /// <summary>The commit sequence as stored in the file, as this connection's snapshot sees it.</summary>
    public long ReadCommitSequence()
    {
        var wasTrusted = Authorizer.Trusted; // nested trusted work (VACUUM) must stay trusted
        Authorizer.Trusted = true;
        try
        {
            return CommitSequence.Join(ReadHeaderInt(_applicationId), ReadHeaderInt(_userVersion));
        }
        finally
        {
            Authorizer.Trusted = wasTrusted;
        }
    }

    static int ReadHeaderInt(sqlite3_stmt pragma)
    {
        raw.sqlite3_reset(pragma);
        var value = raw.sqlite3_step(pragma) == raw.SQLITE_ROW ? raw.sqlite3_column_int(pragma, 0) : 0;
        raw.sqlite3_reset(pragma);
        return value;
    }

    public sqlite3 Handle { get; }
    public bool IsReader { get; }
    public EngineOptions Options { get; }
    public Authorizer Authorizer { get; } = new();
    public StatementCache Statements { get; }
    public StatementExecutor Executor { get; }
    public long PageSize { get; }

    /// <summary>Why the last statement was interrupted: the time limit, or the caller's cancellation.</summary>
    public string? InterruptReason { get; private set; }

    public static Connection Open(string path, EngineOptions options, bool reader, CommitState? state = null, bool syncEveryCommit = true)
    {
        var flags = (reader ? raw.SQLITE_OPEN_READONLY : raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE)
            | raw.SQLITE_OPEN_NOMUTEX | raw.SQLITE_OPEN_PRIVATECACHE;
        var rc = raw.sqlite3_open_v2(path, out var db, flags, null);
        if (rc != raw.SQLITE_OK)
        {
            var message = db is null ? raw.sqlite3_errstr(rc).utf8_to_string() : raw.sqlite3_errmsg(db).utf8_to_string();
            db?.Dispose();
            throw new D1Exception(D1ErrorCode.SqlError, $"cannot open database: {message}: {SqliteResultCodes.Name(rc)}", rc);
        }
        try
        {
            if (!reader && options.SqliteHeapLimitBytes > 0) raw.sqlite3_hard_heap_limit64(options.SqliteHeapLimitBytes); // process-wide
            raw.sqlite3_extended_result_codes(db, 1);
            raw.sqlite3_busy_timeout(db, 5000);
            raw.sqlite3_db_config(db, SqliteDbConfigDefensive, 1, out _);
            if (!reader)
            {
                Exec(db, "PRAGMA journal_mode=WAL");
                Exec(db, syncEveryCommit ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            }
            Exec(db, "PRAGMA foreign_keys=ON");
            raw.sqlite3_limit(db, SqliteLimitLength, options.MaxValueLength);
            raw.sqlite3_limit(db, SqliteLimitSqlLength, options.MaxSqlLength);
            raw.sqlite3_limit(db, SqliteLimitColumn, options.MaxColumns);
            raw.sqlite3_limit(db, SqliteLimitVariableNumber, options.MaxBoundParameters);
            raw.sqlite3_limit(db, SqliteLimitAttached, 0);
            raw.sqlite3_limit(db, SqliteLimitLikePatternLength, 50);
            raw.sqlite3_limit(db, SqliteLimitTriggerDepth, 10);
            raw.sqlite3_limit(db, SqliteLimitExprDepth, 100);
            raw.sqlite3_limit(db, SqliteLimitCompoundSelect, 5);
            raw.sqlite3_limit(db, SqliteLimitFunctionArg, 32);
            _ = SqliteLimitVdbeOp;
            var connection = new Connection(db, reader, options);
            if (state is not null) connection.State = state;
            if (!reader)
            {
                connection.State.Sequence = connection.ReadCommitSequence();
                connection.State.Size = connection.SizeInBytes();
                var maxPages = Math.Max(1, options.MaxDatabaseSizeBytes / connection.PageSize);
                connection.ExecTrusted($"PRAGMA max_page_count={maxPages}");
            }
            return connection;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Starts the time limit for one request; returns the deadline so callers can report it.</summary>
    public void BeginRequest(CancellationToken cancellation)
    {
        _cancellation = cancellation;
        _deadline = Environment.TickCount64 + (long)Options.MaxRequestDuration.TotalMilliseconds;
        InterruptReason = null;
        Authorizer.ClearDenial();
    }

    /// <summary>Starts a request with no time limit (imports and dumps); only <paramref name="cancellation"/> stops it.</summary>
    public void BeginUnlimitedRequest(CancellationToken cancellation)
    {
        BeginRequest(cancellation);
        _deadline = long.MaxValue;
    }

    /// <summary>Sets the longest SQL text this connection prepares; returns the previous limit.</summary>
    public int SetMaxSqlLength(int bytes) => raw.sqlite3_limit(Handle, SqliteLimitSqlLength, bytes);

    /// <summary>
    /// Commits the writer's open transaction as the next commit, as the executor does: the sequence goes into the
    /// header's user_version (D1 denies that PRAGMA to user SQL) so it commits atomically with the data it numbers.
    /// </summary>
    public long CommitNext(long sizeAfter, ChangeLog.WriteReceipt? receipt = null)
    {
        try
        {
            VerifySandbox();
        }
        catch
        {
            Rollback();
            throw;
        }
        var previous = State.Sequence;
        var sequence = previous + 1;
        ExecTrusted(CommitSequence.Pragma(previous, sequence));
        State.Sequence = sequence;
        try
        {
            Commit();
        }
        catch
        {
            State.Sequence = previous;
            Rollback(); // e.g. a deferred foreign key failed at COMMIT: the transaction is still open
            throw;
        }
        State.Size = sizeAfter;
        Diagnostics.EngineMetrics.Commits.Add(1);
        AfterCommit?.Invoke(sequence, receipt); // committed: a capture failure now is the log's to recover, not a rollback
        return sequence;
    }

    /// <summary>D1's answer (miniflare) to a rename to a reserved name or a temp object; here checked before the commit.</summary>
    internal const string SandboxDenied = "not authorized: SQLITE_AUTH";

    /// <summary>
    /// The sandbox's second line, checked before every commit: the temp schema is empty (so nothing there outlives its
    /// request; the rollback removes it), and a rename did not give a table a reserved name (SQLite does not pass the new
    /// name to the authorizer).
    /// </summary>
    void VerifySandbox()
    {
        if (Authorizer.SchemaRenamed && HasRow(_reservedNames)) throw ErrorFactory.Sql(SandboxDenied);
        if (HasRow(_tempObjects)) throw ErrorFactory.Sql(SandboxDenied);
    }

    bool HasRow(sqlite3_stmt statement)
    {
        var wasTrusted = Authorizer.Trusted; // a schema change re-prepares the statement, which asks the authorizer again
        Authorizer.Trusted = true;
        try
        {
            var rc = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            return rc == raw.SQLITE_ROW ? true : rc == raw.SQLITE_DONE ? false : throw ErrorFactory.FromConnection(this, rc);
        }
        finally
        {
            Authorizer.Trusted = wasTrusted;
        }
    }

    /// <summary>
    /// Called right after each commit with its sequence number and the request's receipt (when it carried an id), before
    /// the write returns (the change log's capture).
    /// </summary>
    public Action<long, ChangeLog.WriteReceipt?>? AfterCommit { get; set; }

    public void EndRequest()
    {
        _cancellation = default;
        _deadline = long.MaxValue;
    }

    /// <summary>Current logical size of the database: pages × page size.</summary>
    public long SizeInBytes()
    {
        // Trusted: a schema change makes SQLite re-prepare the PRAGMA, which asks the authorizer again.
        var wasTrusted = Authorizer.Trusted; // nested trusted work (VACUUM) must stay trusted
        Authorizer.Trusted = true;
        try
        {
            raw.sqlite3_reset(_pageCount);
            var pages = raw.sqlite3_step(_pageCount) == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_pageCount, 0) : 0;
            raw.sqlite3_reset(_pageCount);
            return pages * PageSize;
        }
        finally
        {
            Authorizer.Trusted = wasTrusted;
        }
    }

    /// <summary>Runs the engine's own SQL (BEGIN, COMMIT, bookkeeping) past the sandbox.</summary>
    public void ExecTrusted(string sql)
    {
        var wasTrusted = Authorizer.Trusted; // nested trusted work (VACUUM) must stay trusted
        Authorizer.Trusted = true;
        try
        {
            var rc = raw.sqlite3_exec(Handle, sql, out var message);
            if (rc != raw.SQLITE_OK) throw ErrorFactory.FromConnection(this, rc, message);
        }
        finally
        {
            Authorizer.Trusted = wasTrusted;
        }
    }

    /// <summary>Lets SQLite attach its own scratch database (VACUUM does); user SQL can never attach (limit 0).</summary>
    public void AllowInternalAttachment(bool allow) => raw.sqlite3_limit(Handle, SqliteLimitAttached, allow ? 1 : 0);

    /// <summary>Copies this connection's view of the database to a new file with SQLite's online backup; returns the commit sequence copied.</summary>
    public long BackupTo(string path)
    {
        var rc = raw.sqlite3_open_v2(path, out var target, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE, null);
        try
        {
            if (rc != raw.SQLITE_OK) throw new D1Exception(D1ErrorCode.SqlError, $"cannot create backup file: {SqliteResultCodes.Name(rc)}", rc);
            // One read transaction around the copy, so the sequence read matches the pages copied.
            Begin();
            try
            {
                var sequence = ReadCommitSequence();
                using var backup = raw.sqlite3_backup_init(target, "main", Handle, "main");
                if (backup is null) throw ErrorFactory.FromConnection(this, raw.sqlite3_errcode(target));
                rc = raw.sqlite3_backup_step(backup, -1);
                if (rc != raw.SQLITE_DONE) throw new D1Exception(D1ErrorCode.SqlError, $"backup failed: {SqliteResultCodes.Name(rc)}", rc);
                return sequence;
            }
            finally
            {
                Commit();
            }
        }
        finally
        {
            target.Dispose();
        }
    }

    /// <summary>Starts the request's transaction: deferred on readers, IMMEDIATE (write lock taken now) on the writer.</summary>
    public void Begin() => StepTrusted(_begin);

    public void Commit() => StepTrusted(_commit);

    /// <summary>Rolls back if a transaction is open (a failed COMMIT may already have ended it).</summary>
    public void Rollback()
    {
        if (raw.sqlite3_get_autocommit(Handle) == 0) StepTrusted(_rollback);
    }

    void StepTrusted(sqlite3_stmt statement)
    {
        var wasTrusted = Authorizer.Trusted; // nested trusted work (VACUUM) must stay trusted
        Authorizer.Trusted = true;
        try
        {
            var rc = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            if (rc != raw.SQLITE_DONE) throw ErrorFactory.FromConnection(this, rc);
        }
        finally
        {
            Authorizer.Trusted = wasTrusted;
        }
    }

    sqlite3_stmt PrepareTrusted(string sql)
    {
        var wasTrusted = Authorizer.Trusted; // nested trusted work (VACUUM) must stay trusted
        Authorizer.Trusted = true;
        try
        {
            var rc = raw.sqlite3_prepare_v2(Handle, sql, out var statement);
            return rc == raw.SQLITE_OK ? statement : throw ErrorFactory.FromConnection(this, rc);
        }
        finally
        {
            Authorizer.Trusted = wasTrusted;
        }
    }

    long QueryScalar(string sql)
    {
        using var statement = PrepareTrusted(sql);
        return raw.sqlite3_step(statement) == raw.SQLITE_ROW ? raw.sqlite3_column_int64(statement, 0) : 0;
    }

    int OnProgress(object userData)
    {
        if (_cancellation.IsCancellationRequested)
        {
            InterruptReason = "the request was cancelled";
            return 1;
        }
        if (Environment.TickCount64 > _deadline)
        {
            InterruptReason = $"D1 DB query exceeded the time limit of {Options.MaxRequestDuration.TotalMilliseconds:0} ms and was interrupted";
            return 1;
        }
        return 0;
    }

    static void Exec(sqlite3 db, string sql)
    {
        var rc = raw.sqlite3_exec(db, sql, out var message);
        if (rc != raw.SQLITE_OK) throw new D1Exception(D1ErrorCode.SqlError, $"{message}: {SqliteResultCodes.Name(rc)}", rc);
    }

    public void Dispose()
    {
        Statements.Dispose();
        _pageCount.Dispose();
        _userVersion.Dispose();
        _applicationId.Dispose();
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        _tempObjects.Dispose();
        _reservedNames.Dispose();
        Handle.Dispose();
    }
}
