using System.Diagnostics;
using Atoll.Engine;
using Atoll.Server.Analytics;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Observability;

/// <summary>
/// What a database's grain reports about its work: metrics, a span per query, one log line per slow query and one
/// per import, export, restore or fork with its duration. The grain calls it with a start timestamp; it does the rest.
/// </summary>
public sealed class QueryTelemetry(ServerMetrics metrics, DatabaseSamples samples, TimeProvider clock, IOptions<ObservabilityOptions> options,
    ILogger<QueryTelemetry> logger)
{
    readonly TimeSpan _slow = options.Value.SlowQueryThreshold;

    /// <summary>A span for a query on <paramref name="uuid"/> (null when nobody listens), child of the grain call's span.</summary>
    public static Activity? StartQuery(string uuid)
    {
        var activity = ServerMetrics.Activities.StartActivity("atoll.query");
        activity?.SetTag("db.system.name", "sqlite");
        activity?.SetTag("atoll.database", uuid);
        return activity;
    }

    /// <summary>Records a query request that ran (<paramref name="totals"/>) or failed (<paramref name="error"/>).</summary>
    public void Query(string uuid, IReadOnlyList<Statement> statements, long started, QueryTotals? totals, D1Exception? error, Activity? activity)
    {
        var duration = Stopwatch.GetElapsedTime(started);
        metrics.Query(totals is null ? null : !totals.ReadOnly, duration, totals?.RowsRead ?? 0, totals?.RowsWritten ?? 0);
        if (error is not null) activity?.SetStatus(ActivityStatusCode.Error, error.Message);
        if (totals is not null)
        {
            samples.Record(uuid, clock.GetUtcNow().ToUnixTimeMilliseconds(), duration.TotalMilliseconds, totals.SizeAfter);
            activity?.SetTag("atoll.rows_read", totals.RowsRead);
            activity?.SetTag("atoll.rows_written", totals.RowsWritten);
        }
        if (duration < _slow) return;
        // Bound values never appear: only the statement's text as insights groups it.
        var sql = statements.Count > 0 ? QueryText.Normalize(statements[0].Sql) : "";
        logger.LogWarning("Slow query on {Database}: {DurationMs:0.0} ms, {RowsRead} rows read, {RowsWritten} rows written, {Statements} statement(s), {Outcome}: {Sql}",
            uuid, duration.TotalMilliseconds, totals?.RowsRead ?? 0, totals?.RowsWritten ?? 0, statements.Count, error?.Message ?? "ok", sql);
    }

    /// <summary>Logs and measures an import, export, restore or fork that started at <paramref name="started"/>.</summary>
    public void Operation(string operation, string uuid, long started, string? error)
    {
        var duration = Stopwatch.GetElapsedTime(started);
        metrics.Operation(operation, error is null, duration);
        if (error is null) logger.LogInformation("{Operation} of {Database} finished in {DurationMs:0.0} ms", operation, uuid, duration.TotalMilliseconds);
        else logger.LogWarning("{Operation} of {Database} failed after {DurationMs:0.0} ms: {Error}", operation, uuid, duration.TotalMilliseconds, error);
    }
}
