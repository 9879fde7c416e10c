using System.Diagnostics.Metrics;

namespace Atoll.Engine.Diagnostics;

/// <summary>
/// The engine's own instruments, with no exporter attached: the server (or any host) listens to the meter
/// <see cref="MeterName"/>. Spans around engine work are the host's (it knows the request). No instrument carries a
/// per-database tag, so a host with 100k databases still exports a fixed number of series.
/// </summary>
public static class EngineMetrics
{
    /// <summary>The meter's name, to subscribe to (<c>AddMeter</c>).</summary>
    public const string MeterName = "Atoll.Engine";

    static readonly Meter Meter = new(MeterName);

    /// <summary>Write transactions committed (every write path goes through one commit point).</summary>
    public static readonly Counter<long> Commits = Meter.CreateCounter<long>("atoll.engine.commits", "{commit}", "Write transactions committed.");

    /// <summary>How long one group sync of the change log took.</summary>
    public static readonly Histogram<double> LogSyncDuration = Meter.CreateHistogram<double>("atoll.engine.log.sync.duration", "s",
        "Duration of one change-log sync (one sync covers every entry appended before it).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });

    /// <summary>Log entries durable locally and not yet in the object store, summed over the open databases.</summary>
    public static readonly ObservableGauge<long> ShippingBacklog = Meter.CreateObservableGauge("atoll.engine.log.shipping.backlog",
        ChangeLog.LogShipper.TotalBacklog, "{entry}", "Change-log entries durable locally and not yet published to the object store.");

    /// <summary>Background snapshot builds that failed.</summary>
    public static readonly Counter<long> SnapshotFailures = Meter.CreateCounter<long>("atoll.engine.snapshot.failures", "{snapshot}",
        "Snapshot builds that failed (the log still holds every commit; the snapshot is retried with backoff).");

    /// <summary>History expiry runs that failed.</summary>
    public static readonly Counter<long> ExpiryFailures = Meter.CreateCounter<long>("atoll.engine.expiry.failures", "{run}",
        "History expiry runs that failed (retried on the next schedule).");

    /// <summary>Object-store operations of shipping that failed.</summary>
    public static readonly Counter<long> UploadFailures = Meter.CreateCounter<long>("atoll.engine.log.upload.failures", "{operation}",
        "Object-store operations of log shipping that failed (each is retried with backoff).");
}
