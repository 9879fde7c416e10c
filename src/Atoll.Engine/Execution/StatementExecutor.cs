using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Atoll.Engine.Connections;
using SQLitePCL;

namespace Atoll.Engine.Execution;

/// <summary>
/// Runs a request's statements on one connection inside one transaction and encodes each result once,
/// straight into a UTF-8 JSON buffer that it reuses.
/// </summary>
/// <remarks>Not thread-safe: one executor per connection, used by whoever holds the connection.</remarks>
internal sealed class StatementExecutor
{
    const int InitialCapacity = 16 * 1024;
    const int RetainedCapacity = 1 << 20; // after a huge result, drop the buffer rather than keep it forever
    const int FullScanStep = 1; // SQLITE_STMTSTATUS_FULLSCAN_STEP

    readonly Connection _connection;
    readonly Utf8JsonWriter _json;
    readonly List<PreparedStatement> _prepared = [];
    readonly List<int> _preparedPerText = [];
    ArrayBufferWriter<byte> _buffer = new(InitialCapacity);
    bool _typedReals;

    /// <summary>After <see cref="TryExecuteReadOnly"/> returned null: the SQL text that writes (null when none was told apart).</summary>
    public string? WriteText { get; private set; }

    public StatementExecutor(Connection connection)
    {
        _connection = connection;
        _json = new Utf8JsonWriter(_buffer, JsonNames.WriterOptions);
    }

    /// <summary>
    /// Runs the request on this reader connection if every statement is read-only; returns null, having
    /// run nothing, when a statement would write (or cannot be prepared before earlier ones run).
    /// </summary>
    public EncodedResult? TryExecuteReadOnly(QueryRequest request, CancellationToken cancellation)
    {
        WriteText = null;
        _connection.BeginRequest(cancellation);
        // A read-only token's request never leaves this reader: the authorizer refuses every write and setting as it prepares.
        _connection.Authorizer.ReadOnly = request.ReadOnly;
        try
        {
            if (!PrepareAllReadOnly(request))
                return request.ReadOnly ? throw new D1Exception(D1ErrorCode.Authentication, ErrorFactory.ReadOnlyToken) : null;
            // One statement is its own snapshot; several share one through an explicit read transaction.
            var explicitTransaction = _prepared.Count > 1;
            if (explicitTransaction) _connection.Begin();
            try
            {
                // Read after the rows: the bookmark is then at least as new as what was read (safe for sessions).
                var result = Run(request, preparedAhead: true, bookmark: () => new Bookmark(_connection.State.Sequence));
                if (explicitTransaction) _connection.Commit();
                return result;
            }
            catch
            {
                if (explicitTransaction) _connection.Rollback();
                throw;
            }
        }
        finally
        {
            ReleasePrepared();
            _connection.Authorizer.ReadOnly = false;
            _connection.EndRequest();
            if (_connection.Authorizer.SettingsChanged) _connection.ExecTrusted(ResetPragmas);
        }
    }

    /// <summary>Runs the request on the writer connection as one transaction, rolled back whole on any error.</summary>
    public EncodedResult Execute(QueryRequest request, CancellationToken cancellation)
    {
        // The writer commits whatever it runs (a bookmark, a log entry): a read-only token's request never gets here.
        if (request.ReadOnly) throw new D1Exception(D1ErrorCode.Authentication, ErrorFactory.ReadOnlyToken);
        _connection.BeginRequest(cancellation);
        try
        {
            var sequence = _connection.State.Sequence + 1;
            EncodedResult result;
            // VACUUM cannot run inside a transaction: alone in a request it runs on its own, then the sequence is stamped.
            var vacuum = IsLoneVacuum(request);
            if (!vacuum) _connection.Begin();
            try
            {
                // VACUUM attaches a scratch database internally, which the sandbox would refuse: it runs trusted.
                _connection.Authorizer.Trusted = vacuum;
                if (vacuum) _connection.AllowInternalAttachment(true);
                try
                {
                    result = Run(request, preparedAhead: false, bookmark: () => new Bookmark(sequence));
                }
                finally
                {
                    _connection.Authorizer.Trusted = false;
                    if (vacuum) _connection.AllowInternalAttachment(false);
                }
                if (vacuum) _connection.Begin();
            }
            catch
            {
                _connection.Rollback();
                throw;
            }
            _connection.CommitNext(result.Totals.SizeAfter, request.RequestId is { } id ? new ChangeLog.WriteReceipt(id, result) : null);
            return result;
        }
        finally
        {
            // last_insert_rowid() survives a rollback, as on D1's single connection; readers report this value.
            _connection.State.LastRowId = raw.sqlite3_last_insert_rowid(_connection.Handle);
            ReleasePrepared();
            _connection.EndRequest();
            // D1's PRAGMA settings last only for the request: put the connection back as it was.
            if (_connection.Authorizer.SettingsChanged) _connection.ExecTrusted(ResetPragmas);
        }
    }

    /// <summary>A request that is only <c>VACUUM</c> (or <c>VACUUM main</c>); never <c>VACUUM INTO</c>, which writes another file.</summary>
    static bool IsLoneVacuum(QueryRequest request)
    {
        if (request.Statements is not [{ Sql: var sql, Params.Count: 0 }]
            || !sql.AsSpan().TrimStart().StartsWith("VACUUM", StringComparison.OrdinalIgnoreCase)) return false; // no allocation on ordinary writes
        var words = sql.Trim().TrimEnd(';').Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words is ["VACUUM" or "vacuum" or "Vacuum"] || (words is [var v, var schema]
            && v.Equals("VACUUM", StringComparison.OrdinalIgnoreCase) && schema.Equals("main", StringComparison.OrdinalIgnoreCase));
    }

    internal const string ResetPragmas = "PRAGMA case_sensitive_like=0; PRAGMA ignore_check_constraints=0; PRAGMA legacy_alter_table=0; " +
        "PRAGMA recursive_triggers=0; PRAGMA reverse_unordered_selects=0; PRAGMA foreign_keys=1;";

    bool PrepareAllReadOnly(QueryRequest request)
    {
        foreach (var statement in request.Statements)
        {
            var cursor = new SqlTextCursor(_connection, statement.Sql);
            _preparedPerText.Add(0);
            var any = false;
            while (true)
            {
                PreparedStatement prepared;
                try
                {
                    if (!cursor.Next(out prepared)) break;
                }
                catch (D1Exception) when (!request.ReadOnly)
                {
                    return false; // may depend on an earlier statement (CREATE then INSERT): let the writer run it in order
                }
                any = true;
                if (prepared.Handle is null)
                {
                    WriteText = statement.Sql;
                    return false; // a PRAGMA, left unprepared: the writer runs it
                }
                _prepared.Add(prepared);
                _preparedPerText[^1]++;
                if ((prepared.IsPragma && !request.ReadOnly) || !prepared.IsReadOnly)
                {
                    if (request.ReadOnly) throw new D1Exception(D1ErrorCode.Authentication, ErrorFactory.ReadOnlyToken);
                    WriteText = statement.Sql;
                    return false;
                }
            }
            if (!any) throw ErrorFactory.Sql(ErrorFactory.NoStatementInText);
        }
        return true;
    }

    EncodedResult Run(QueryRequest request, bool preparedAhead, Func<Bookmark> bookmark)
    {
        if (request.Statements.Count == 0) throw ErrorFactory.Sql(ErrorFactory.NoStatements);
        _typedReals = request.TypedReals;
        if (_buffer.Capacity > RetainedCapacity) _buffer = new ArrayBufferWriter<byte>(InitialCapacity);
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartArray();

        var db = _connection.Handle;
        var reader = _connection.IsReader;
        var sizeBefore = reader ? _connection.State.Size : _connection.SizeInBytes();
        var lastSize = sizeBefore;
        long rowsRead = 0, rowsWritten = 0, rowsReturned = 0;
        var items = 0;
        var preparedIndex = 0;
        var textIndex = 0;
        var requestTimer = Stopwatch.GetTimestamp();

        foreach (var text in request.Statements)
        {
            var cursor = new SqlTextCursor(_connection, text.Sql);
            var eachStatement = request.Results == StatementResults.EachStatement;
            var textChanges = TotalChanges(db, reader);
            var textRowId = LastInsertRowId(db, reader);
            var textSize = lastSize;
            var textTimer = Stopwatch.GetTimestamp();
            var any = false;
            var textEnd = preparedAhead ? preparedIndex + _preparedPerText[textIndex++] : 0;
            while (true)
            {
                PreparedStatement prepared;
                if (preparedAhead)
                {
                    if (preparedIndex >= textEnd) break;
                    prepared = _prepared[preparedIndex++];
                }
                else
                {
                    if (!cursor.Next(out prepared)) break;
                    _prepared.Add(prepared);
                }
                any = true;
                if (prepared.IsReadOnly is false && request.ReadOnly)
                    throw new D1Exception(D1ErrorCode.Authentication, ErrorFactory.ReadOnlyToken);

                var encode = eachStatement || prepared.IsLast;
                var statementChanges = TotalChanges(db, reader);
                var statementRowId = LastInsertRowId(db, reader);
                var statementTimer = Stopwatch.GetTimestamp();
                if (encode) _json.WriteStartObject();
                Bind(prepared, text.Params, prepared.Offset);
                var returned = Step(prepared, encode ? request.Shape : ResultShape.None);
                var read = Math.Max(returned, raw.sqlite3_stmt_status(prepared.Handle, FullScanStep, 1));
                var written = TotalChanges(db, reader) - statementChanges;
                rowsRead += read;
                rowsWritten += written;
                rowsReturned += returned;
                if (!encode) continue;

                var size = reader ? sizeBefore : _connection.SizeInBytes();
                var changes = TotalChanges(db, reader) - (eachStatement ? statementChanges : textChanges);
                var rowId = LastInsertRowId(db, reader);
                var changed = changes != 0 || rowId != (eachStatement ? statementRowId : textRowId)
                    || size != (eachStatement ? lastSize : textSize);
                var elapsed = Stopwatch.GetElapsedTime(eachStatement ? statementTimer : textTimer).TotalMilliseconds;
                lastSize = size;
                // A reader never inserts: report the writer's last rowid, as one connection serving both would.
                WriteMeta(elapsed, changes, reader ? _connection.State.LastRowId : rowId, changed, size, read, written);
                _json.WriteEndObject();
                items++;
            }
            if (!any) throw ErrorFactory.Sql(ErrorFactory.NoStatementInText);
        }

        var sizeAfter = lastSize;
        _json.WriteEndArray();
        _json.Flush();
        var totals = new QueryTotals(rowsRead, rowsWritten, rowsReturned, ChangedDb: rowsWritten != 0 || sizeAfter != sizeBefore,
            sizeAfter, Stopwatch.GetElapsedTime(requestTimer).TotalMilliseconds, reader);
        return new EncodedResult(_buffer.WrittenSpan.ToArray(), items, totals) { Bookmark = bookmark() };
    }

    // A reader runs only statements SQLite calls read-only, so its counters never move: no native call per statement.
    static long TotalChanges(sqlite3 db, bool reader) => reader ? 0 : raw.sqlite3_total_changes(db);

    static long LastInsertRowId(sqlite3 db, bool reader) => reader ? 0 : raw.sqlite3_last_insert_rowid(db);

    void Bind(PreparedStatement prepared, IReadOnlyList<SqlValue> parameters, int offset)
    {
        var handle = prepared.Handle;
        var expected = raw.sqlite3_bind_parameter_count(handle);
        if (!prepared.IsLast)
        {
            if (expected > 0) throw ErrorFactory.Sql(ErrorFactory.ParametersOnlyInLast);
            return;
        }
        if (expected != parameters.Count) throw ErrorFactory.Sql(ErrorFactory.WrongParameterCount);
        for (var i = 0; i < parameters.Count; i++)
        {
            var value = parameters[i];
            var rc = value.Kind switch
            {
                SqlValueKind.Integer => raw.sqlite3_bind_int64(handle, i + 1, value.Integer),
                SqlValueKind.Real => raw.sqlite3_bind_double(handle, i + 1, value.Real),
                SqlValueKind.Text => value.Reference switch
                {
                    byte[] { Length: > 0 } utf8 => raw.sqlite3_bind_text(handle, i + 1, utf8),
                    string { Length: > 0 } s => raw.sqlite3_bind_text(handle, i + 1, s),
                    _ => raw.sqlite3_bind_text(handle, i + 1, ""),
                },
                SqlValueKind.Blob => value.Blob.Length == 0
                    ? raw.sqlite3_bind_zeroblob(handle, i + 1, 0)
                    : raw.sqlite3_bind_blob(handle, i + 1, value.Blob),
                _ => raw.sqlite3_bind_null(handle, i + 1),
            };
            if (rc != raw.SQLITE_OK) throw ErrorFactory.FromConnection(_connection, rc, offsetBase: offset);
        }
    }

    int Step(PreparedStatement prepared, ResultShape shape)
    {
        var handle = prepared.Handle;
        // Step once before reading column names: a schema change re-prepares the statement inside step (SELECT * grows).
        var rc = raw.sqlite3_step(handle);
        if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE)) throw ErrorFactory.FromConnection(_connection, rc, offsetBase: prepared.Offset);
        ReadOnlySpan<JsonEncodedText> names = shape == ResultShape.None ? default
            : (prepared.Cached?.Columns ?? new ColumnNames()).Get(handle);
        switch (shape)
        {
            case ResultShape.Objects:
                _json.WriteStartArray(JsonNames.Results);
                break;
            case ResultShape.ColumnsAndRows:
                _json.WriteStartObject(JsonNames.Results);
                _json.WriteStartArray(JsonNames.Columns);
                foreach (var name in names) _json.WriteStringValue(name);
                _json.WriteEndArray();
                _json.WriteStartArray(JsonNames.Rows);
                break;
        }
        var rows = 0;
        for (; rc == raw.SQLITE_ROW; rc = raw.sqlite3_step(handle))
        {
            rows++;
            if (shape == ResultShape.None) continue;
            if (shape == ResultShape.Objects) _json.WriteStartObject();
            else _json.WriteStartArray();
            for (var i = 0; i < names.Length; i++)
            {
                if (shape == ResultShape.Objects) _json.WritePropertyName(names[i]);
                WriteCell(handle, i);
            }
            if (shape == ResultShape.Objects) _json.WriteEndObject();
            else _json.WriteEndArray();
            if (_json.BytesCommitted + _json.BytesPending > _connection.Options.MaxResultBytes) throw ResultTooLarge();
        }
        if (rc != raw.SQLITE_DONE) throw ErrorFactory.FromConnection(_connection, rc, offsetBase: prepared.Offset);
        raw.sqlite3_reset(handle);
        switch (shape)
        {
            case ResultShape.Objects:
                _json.WriteEndArray();
                break;
            case ResultShape.ColumnsAndRows:
                _json.WriteEndArray();
                _json.WriteEndObject();
                break;
        }
        return rows;
    }

    D1Exception ResultTooLarge()
        => new(D1ErrorCode.SqlError, $"out of memory: the result passed the limit of {_connection.Options.MaxResultBytes} bytes: SQLITE_NOMEM",
            raw.SQLITE_NOMEM);

    void WriteCell(sqlite3_stmt handle, int column)
    {
        switch (raw.sqlite3_column_type(handle, column))
        {
            case raw.SQLITE_INTEGER:
                _json.WriteNumberValue(raw.sqlite3_column_int64(handle, column));
                break;
            case raw.SQLITE_FLOAT:
                var real = raw.sqlite3_column_double(handle, column);
                if (!double.IsFinite(real)) _json.WriteNullValue(); // as JSON.stringify writes Infinity
                else if (_typedReals) WriteTypedReal(real);
                else _json.WriteNumberValue(real);
                break;
            case raw.SQLITE_TEXT:
                JsonText.Write(_json, Utf8.Column(handle, column));
                break;
            case raw.SQLITE_BLOB:
                WriteBlob(raw.sqlite3_column_blob(handle, column));
                break;
            default:
                _json.WriteNullValue();
                break;
        }
    }

    /// <summary>A REAL in the shortest form that reads back the same, with <c>.0</c> added when that form looks like an integer.</summary>
    void WriteTypedReal(double real)
    {
        Span<byte> text = stackalloc byte[40];
        if (!real.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture)) throw new InvalidOperationException("a double longer than 38 bytes");
        if (text[..length].IndexOfAny((byte)'.', (byte)'E', (byte)'e') < 0)
        {
            text[length++] = (byte)'.';
            text[length++] = (byte)'0';
        }
        _json.WriteRawValue(text[..length], skipInputValidation: true);
    }

    /// <summary>BLOBs go out as arrays of byte values, as the Workers binding returns them.</summary>
    void WriteBlob(ReadOnlySpan<byte> blob)
    {
        var rented = ArrayPool<byte>.Shared.Rent(blob.Length * 4 + 2);
        try
        {
            var length = 0;
            rented[length++] = (byte)'[';
            for (var i = 0; i < blob.Length; i++)
            {
                if (i > 0) rented[length++] = (byte)',';
                var b = blob[i];
                if (b >= 100) rented[length++] = (byte)('0' + b / 100);
                if (b >= 10) rented[length++] = (byte)('0' + b / 10 % 10);
                rented[length++] = (byte)('0' + b % 10);
            }
            rented[length++] = (byte)']';
            _json.WriteRawValue(rented.AsSpan(0, length), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    void WriteMeta(double durationMs, long changes, long lastRowId, bool changedDb, long sizeAfter, long rowsRead, long rowsWritten)
    {
        var options = _connection.Options;
        _json.WriteBoolean(JsonNames.Success, true);
        _json.WriteStartObject(JsonNames.Meta);
        _json.WriteString(JsonNames.ServedBy, options.ServedBy);
        _json.WriteString(JsonNames.ServedByRegion, options.Region);
        _json.WriteBoolean(JsonNames.ServedByPrimary, options.ServesAsPrimary);
        _json.WriteString(JsonNames.ServedByColo, options.Colo);
        _json.WriteStartObject(JsonNames.Timings);
        _json.WriteNumber(JsonNames.SqlDurationMs, Math.Round(durationMs, 4));
        _json.WriteEndObject();
        _json.WriteNumber(JsonNames.Duration, Math.Round(durationMs, 4));
        _json.WriteNumber(JsonNames.Changes, changes);
        _json.WriteNumber(JsonNames.LastRowId, lastRowId);
        _json.WriteBoolean(JsonNames.ChangedDb, changedDb);
        _json.WriteNumber(JsonNames.SizeAfter, sizeAfter);
        _json.WriteNumber(JsonNames.RowsRead, rowsRead);
        _json.WriteNumber(JsonNames.RowsWritten, rowsWritten);
        _json.WriteNumber(JsonNames.TotalAttempts, 1);
        _json.WriteEndObject();
    }

    void ReleasePrepared()
    {
        foreach (var prepared in _prepared)
        {
            raw.sqlite3_reset(prepared.Handle);
            if (prepared.Cached is { } cached)
            {
                raw.sqlite3_clear_bindings(prepared.Handle);
                _connection.Statements.Return(cached);
            }
            else
            {
                prepared.Handle.Dispose();
            }
        }
        _prepared.Clear();
        _preparedPerText.Clear();
    }
}
