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

    /// <summary>Uploads queued for the object store and not yet in it.</summary>
    public static readonly UpDownCounter<long> ShippingBacklog = Meter.CreateUpDownCounter<long>("atoll.engine.log.shipping.backlog", "{upload}",
        "Change-log entries and snapshots waiting to be uploaded to the object store.");

    /// <summary>Background snapshot builds that failed.</summary>
    public static readonly Counter<long> SnapshotFailures = Meter.CreateCounter<long>("atoll.engine.snapshot.failures", "{snapshot}",
        "Snapshot builds that failed (the log still holds every commit; the next snapshot retries).");
}
