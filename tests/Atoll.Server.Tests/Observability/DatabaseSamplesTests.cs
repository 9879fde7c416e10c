using Atoll.Server.Observability;

namespace Atoll.Server.Tests.Observability;

/// <summary>Per-database latency and size samples: bounded over many databases, correct per database.</summary>
public sealed class DatabaseSamplesTests
{
    const long Hour = 3_600_000;

    [Fact]
    public void Many_databases_recorded_from_many_threads_at_once_never_fail_and_the_recent_ones_are_kept()
    {
        var samples = new DatabaseSamples();
        // Recording used to sort the live dictionary while other threads added to it, and failed the query that recorded.
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => samples.Record($"db-{i}", 10 * Hour + i, 1.0, 4096));
        samples.Record("latest", 11 * Hour, 2.0, 8192);
        Assert.Equal([(11 * Hour, 2.0, 2.0, 8192L)], samples.Hours("latest").Select(h => (h.HourMs, h.P50Ms!.Value, h.P99Ms!.Value, h.SizeBytes!.Value)));
        Assert.Empty(samples.Hours("db-0")); // the least recently recorded were dropped
    }

    [Fact]
    public void Percentiles_cover_every_sample_as_the_buffer_grows_and_the_newest_once_it_is_full()
    {
        var samples = new DatabaseSamples();
        for (var i = 1; i <= 100; i++) samples.Record("db", 5 * Hour + i, i, 4096);
        var hour = Assert.Single(samples.Hours("db"));
        Assert.Equal((50.0, 99.0), (hour.P50Ms, hour.P99Ms));

        for (var i = 0; i < 2000; i++) samples.Record("db", 6 * Hour + i, 1000, 8192); // more than it keeps: only these remain
        var last = Assert.Single(samples.Hours("db"), h => h.P50Ms is not null);
        Assert.Equal((6 * Hour, 1000.0, 8192L), (last.HourMs, last.P50Ms!.Value, last.SizeBytes!.Value));
    }
}
