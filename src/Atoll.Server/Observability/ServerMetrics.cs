using System.Diagnostics;
using System.Diagnostics.Metrics;
using Atoll.Server.Grains;
using Atoll.Server.Hosting;
using Atoll.Server.Replication;

namespace Atoll.Server.Observability;

/// <summary>
/// The server's instruments (meter <see cref="MeterName"/>). Tags are few and bounded — query kind and outcome, a shed
/// reason — never a database id: 100k databases must not become 100k series. Per-database figures come from the
/// analytics store (GraphQL, the dashboard's metrics page).
/// </summary>
public sealed class ServerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Atoll.Server";

    /// <summary>The activity source's name (spans around grain work).</summary>
    public const string ActivitySourceName = "Atoll.Server";

    /// <summary>Spans for work inside a database's grain.</summary>
    public static readonly ActivitySource Activities = new(ActivitySourceName);

    readonly Counter<long> _queries;
    readonly Histogram<double> _queryDuration;
    readonly Counter<long> _rowsRead;
    readonly Counter<long> _rowsWritten;
    readonly Histogram<double> _operationDuration;
    readonly Histogram<double> _replicaApplyLag;

    /// <summary>Creates the instruments; the gauges and shed counts read <paramref name="openDatabases"/>, <paramref name="activity"/> and <paramref name="lags"/> when scraped.</summary>
    public ServerMetrics(IMeterFactory meters, OpenDatabases openDatabases, QueryActivity activity, ReplicaLags lags, TimeProvider clock)
    {
        var meter = meters.Create(MeterName);
        _queries = meter.CreateCounter<long>("atoll.queries", "{query}", "Query requests run by databases, by kind (read/write; unknown for a failed one) and outcome (ok/error).");
        _queryDuration = meter.CreateHistogram<double>("atoll.query.duration", "s", "Time a database spent on a query request, by kind.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _rowsRead = meter.CreateCounter<long>("atoll.rows.read", "{row}", "Rows read by queries (D1's rows_read).");
        _rowsWritten = meter.CreateCounter<long>("atoll.rows.written", "{row}", "Rows written by queries (D1's rows_written).");
        meter.CreateObservableCounter("atoll.requests.shed", () => new[]
        {
            new Measurement<long>(activity.ShedQueueFull, new KeyValuePair<string, object?>("reason", "queue_full")),
            new Measurement<long>(activity.ShedQueuedTooLong, new KeyValuePair<string, object?>("reason", "queued_too_long")),
        }, "{request}", "Requests refused with D1's overloaded error (7429), by reason.");
        meter.CreateObservableCounter("atoll.requests.cancelled", () => activity.Cancelled, "{request}",
            "Query requests whose caller went away; their statement was interrupted.");
        meter.CreateObservableGauge("atoll.requests.queued", () => activity.Queued, "{request}", "Requests waiting for a busy database now.");
        meter.CreateObservableGauge("atoll.reads.running", () => activity.ReadsRunning, "{request}", "Reads running on reader connections now.");
        _operationDuration = meter.CreateHistogram<double>("atoll.operation.duration", "s", "Imports, exports, restores and forks, by operation and outcome.");
        meter.CreateObservableGauge("atoll.databases.open", () => openDatabases.Count, "{database}", "Databases open now.");
        meter.CreateObservableGauge("atoll.databases.active", () => openDatabases.UsedWithin(TimeSpan.FromMinutes(1)), "{database}",
            "Open databases that served a request in the last minute.");
        // Replica lag by region only (a handful of codes): the worst replica of the region on this node. Which database
        // lags is answered per database by GET …/database/{id}/replicas, not by a series per database.
        meter.CreateObservableGauge("atoll.replica.lag.entries", () => lags.ByRegion(clock.GetUtcNow().ToUnixTimeMilliseconds())
            .Select(l => new Measurement<long>(l.Entries, new KeyValuePair<string, object?>("region", l.Region))), "{entry}",
            "Durable commits of its primary the most-behind replica of the region on this node has not applied.");
        meter.CreateObservableGauge("atoll.replica.lag.time", () => lags.ByRegion(clock.GetUtcNow().ToUnixTimeMilliseconds())
            .Select(l => new Measurement<double>(l.Ms / 1000.0, new KeyValuePair<string, object?>("region", l.Region))), "s",
            "How long the most-behind replica of the region on this node has been behind its primary (0 when every one is current).");
        _replicaApplyLag = meter.CreateHistogram<double>("atoll.replica.apply.lag", "s",
            "Per applied log entry, time from the primary's commit to the replica applying it, by the replica's region.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
    }

    /// <summary>Records the commit-to-apply lag of each entry a replica in <paramref name="region"/> applied at <paramref name="appliedMs"/>.</summary>
    public void ReplicaApplied(string region, IReadOnlyList<long> commitTimesMs, long appliedMs)
    {
        var tag = new KeyValuePair<string, object?>("region", region);
        foreach (var committed in commitTimesMs) _replicaApplyLag.Record(Math.Max(0, appliedMs - committed) / 1000.0, tag);
    }

    /// <summary>Records one query request; <paramref name="write"/> is null when it failed (whether it would have written is unknown).</summary>
    public void Query(bool? write, TimeSpan duration, long rowsRead, long rowsWritten)
    {
        var kind = new KeyValuePair<string, object?>("kind", write switch { true => "write", false => "read", null => "unknown" });
        _queries.Add(1, kind, new KeyValuePair<string, object?>("outcome", write is null ? "error" : "ok"));
        _queryDuration.Record(duration.TotalSeconds, kind);
        if (rowsRead > 0) _rowsRead.Add(rowsRead);
        if (rowsWritten > 0) _rowsWritten.Add(rowsWritten);
    }

    /// <summary>Records an import, export, restore or fork.</summary>
    public void Operation(string operation, bool ok, TimeSpan duration)
        => _operationDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("outcome", ok ? "ok" : "error"));
}
