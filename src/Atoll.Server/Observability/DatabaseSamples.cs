using System.Collections.Concurrent;

namespace Atoll.Server.Observability;

/// <summary>
/// Recent per-database figures the analytics store does not keep: query latencies (the last
/// <see cref="LatencySamples"/> of each database, for p50/p99) and the file size at the end of each hour. In memory
/// only, for at most <see cref="MaxDatabases"/> databases (the least recently recorded are dropped), so 100k tenants
/// cost a bounded amount; a restart starts them afresh.
/// </summary>
public sealed class DatabaseSamples
{
    const int LatencySamples = 1024;
    const int SizeHours = 48;
    const int MaxDatabases = 2048;

    readonly ConcurrentDictionary<string, Samples> _databases = new(StringComparer.Ordinal);
    int _trimming;

    /// <summary>Records a query that took <paramref name="durationMs"/> and left the file at <paramref name="sizeBytes"/>.</summary>
    public void Record(string uuid, long atMs, double durationMs, long sizeBytes)
    {
        var samples = _databases.GetOrAdd(uuid, static _ => new Samples());
        samples.Add(atMs, durationMs, sizeBytes);
        if (_databases.Count > MaxDatabases) Trim();
    }

    /// <summary>Per hour (unix ms of its start): p50 and p99 latency of the retained samples, and the last size seen.</summary>
    public IReadOnlyList<(long HourMs, double? P50Ms, double? P99Ms, long? SizeBytes)> Hours(string uuid)
        => _databases.TryGetValue(uuid, out var samples) ? samples.Hours() : [];

    void Trim()
    {
        // One trimmer at a time; it works on a consistent copy (sorting the live dictionary while others add to it
        // could see entries that are not there, and failed the query that recorded).
        if (Interlocked.CompareExchange(ref _trimming, 1, 0) != 0) return;
        try
        {
            var all = _databases.ToArray();
            foreach (var (uuid, _) in all.OrderBy(p => p.Value.LastMs).Take(all.Length - MaxDatabases + MaxDatabases / 8))
                _databases.TryRemove(uuid, out _);
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }

    sealed class Samples
    {
        readonly Lock _lock = new();
        // Grown as samples arrive, up to LatencySamples: most databases of a large fleet see a few queries, not a thousand.
        (long AtMs, double DurationMs)[] _latencies = new (long, double)[8];
        readonly SortedList<long, long> _sizes = [];
        int _next;
        int _count;

        public long LastMs { get; private set; }

        public void Add(long atMs, double durationMs, long sizeBytes)
        {
            lock (_lock)
            {
                if (_count == _latencies.Length && _latencies.Length < LatencySamples)
                {
                    // Full and in order (it has not wrapped yet): the next sample goes after the last.
                    Array.Resize(ref _latencies, Math.Min(LatencySamples, _latencies.Length * 2));
                    _next = _count;
                }
                _latencies[_next] = (atMs, durationMs);
                _next = (_next + 1) % _latencies.Length;
                _count = Math.Min(_count + 1, LatencySamples);
                var hour = atMs - atMs % 3_600_000;
                _sizes[hour] = sizeBytes;
                while (_sizes.Count > SizeHours) _sizes.RemoveAt(0);
                LastMs = atMs;
            }
        }

        public IReadOnlyList<(long, double?, double?, long?)> Hours()
        {
            lock (_lock)
            {
                var byHour = _latencies.Take(_count).GroupBy(s => s.AtMs - s.AtMs % 3_600_000)
                    .ToDictionary(g => g.Key, g => g.Select(s => s.DurationMs).Order().ToArray());
                return byHour.Keys.Union(_sizes.Keys).Order().Select(hour =>
                {
                    var durations = byHour.GetValueOrDefault(hour);
                    return (hour, Percentile(durations, 0.5), Percentile(durations, 0.99), _sizes.TryGetValue(hour, out var size) ? size : (long?)null);
                }).ToList();
            }
        }

        // Nearest rank: the smallest sample with at least p of the samples at or below it.
        static double? Percentile(double[]? sorted, double p)
            => sorted is { Length: > 0 } ? sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)] : null;
    }
}
