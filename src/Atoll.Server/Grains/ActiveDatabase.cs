using System.Diagnostics;
using Atoll.Engine;
using Atoll.Server.Analytics;
using Atoll.Server.Hosting;
using Atoll.Server.Observability;

namespace Atoll.Server.Grains;

/// <summary>
/// The query path of one database while its grain is active in this process: the grain runs every query through it,
/// and (published in <see cref="ActiveDatabases"/>) the API runs reads through it directly, skipping the grain call.
/// </summary>
/// <remarks>
/// The grain still owns the database: it opens it, publishes this, and on deactivation or delete withdraws it and drains
/// the queue before the file closes. A direct read holds a reader slot of the same queue (so drain waits for it) and
/// gives up — its caller falls back to the grain — once the grain has begun closing.
/// </remarks>
internal sealed class ActiveDatabase(string uuid, Database database, QueryQueue queue, Func<Bookmark, CancellationToken, Task> durable,
    TimeSpan grainCallEvery, QueryActivity activity, QueryStats queryStats, QueryTelemetry telemetry, OpenDatabases openDatabases)
{
    readonly long _grainCallEvery = Math.Max(1, (long)grainCallEvery.TotalMilliseconds);
    long _lastGrainCall = Environment.TickCount64;
    long _lastTouch = long.MinValue;

    public Database Database => database;

    /// <summary>
    /// Runs a read here, off any grain; null when the grain must take it instead: it writes, the grain is closing, or
    /// it is time for a call through the grain (each keeps the activation from being collected as idle while every
    /// read takes this path).
    /// </summary>
    public Task<DatabaseReply?> TryReadDirectAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        var last = Volatile.Read(ref _lastGrainCall);
        var now = Environment.TickCount64;
        // One request per interval goes through the grain (whichever wins the exchange); the others stay here.
        if (now - last >= _grainCallEvery && Interlocked.CompareExchange(ref _lastGrainCall, now, last) == last) return Task.FromResult<DatabaseReply?>(null);
        if (database.IsKnownWrite(request)) return Task.FromResult<DatabaseReply?>(null);
        return RunAsync(request, direct: true, cancellationToken);
    }

    /// <summary>Runs a query for the grain: a read on a reader, else the write; never null.</summary>
    public async Task<DatabaseReply> QueryAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastGrainCall, Environment.TickCount64);
        return (await RunAsync(request, direct: false, cancellationToken))!;
    }

    async Task<DatabaseReply?> RunAsync(QueryRequest request, bool direct, CancellationToken cancellationToken)
    {
        // The open-database budget needs recency, not every request: a write per request to its shared map was lock contention.
        var now = Environment.TickCount64;
        if (now - Volatile.Read(ref _lastTouch) >= 1000)
        {
            Volatile.Write(ref _lastTouch, now);
            openDatabases.Touch(uuid);
        }
        using var span = QueryTelemetry.StartQuery(uuid);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = database.IsKnownWrite(request) ? null : await ReadAsync(request, direct, cancellationToken);
            if (result is null)
            {
                if (direct)
                {
                    // A write (or the grain is closing): the grain runs it, under a span of its own; this one recorded nothing.
                    if (span is not null) span.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                    return null;
                }
                result = await WriteAsync(request, cancellationToken);
                await durable(result.Bookmark, cancellationToken);
            }
            else
            {
                if (direct) activity.ReadDirect();
                // An output gate: a read is answered only once the commits it saw are durable (immediate when they are).
                await database.SyncLogAsync(result.Bookmark);
            }
            // Analytics count what ran (D1 bills rows read and written): a replayed answer ran nothing.
            if (!result.Replayed) queryStats.Record(uuid, request.Statements, result.Totals);
            telemetry.Query(uuid, request.Statements, started, result.Totals, null, span);
            return new DatabaseReply(result.Json, null, null, result.Bookmark.ToString());
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is D1Exception or OperationCanceledException)
        {
            activity.CallerCancelled(); // nobody reads this answer; what counts is that the statement stopped
            throw new OperationCanceledException("The caller cancelled the query.", ex, cancellationToken);
        }
        catch (D1Exception ex)
        {
            telemetry.Query(uuid, request.Statements, started, null, ex, span);
            return DatabaseReply.Failure(ex, database.CurrentBookmark.ToString());
        }
    }

    /// <summary>
    /// Runs the request on a reader; null when it writes (nothing ran) or, directly, when the grain is closing. The grain's
    /// reads run off its activation turn; a direct read runs on the caller's own thread-pool thread.
    /// </summary>
    async Task<EncodedResult?> ReadAsync(QueryRequest request, bool direct, CancellationToken cancellationToken)
    {
        QueryQueue.Slot slot;
        if (direct)
        {
            if (await queue.TryEnterDirectReadAsync(cancellationToken) is not { } entered) return null;
            slot = entered;
        }
        else
        {
            slot = await queue.EnterReadAsync(cancellationToken);
        }
        using (slot)
        {
            activity.ReadStarted();
            try
            {
                return direct ? database.TryExecuteRead(request, cancellationToken)
                    : await Task.Run(() => database.TryExecuteRead(request, cancellationToken), CancellationToken.None);
            }
            finally
            {
                activity.ReadEnded();
            }
        }
    }

    /// <summary>Runs the request on the writer, off the activation's turn, and waits for its log entry to be synced.</summary>
    async Task<EncodedResult> WriteAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        EncodedResult result;
        using (await queue.EnterWriteAsync(cancellationToken))
            result = await Task.Run(() => database.ExecuteWriteUnsynced(request, cancellationToken), CancellationToken.None);
        // Outside the slot: the next write commits while this one's log entry syncs, and one sync covers both.
        await database.SyncLogAsync(result.Bookmark);
        return result;
    }
}
