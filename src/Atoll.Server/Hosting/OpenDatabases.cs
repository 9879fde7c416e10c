using System.Collections.Concurrent;
using Atoll.Server.Grains;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Hosting;

/// <summary>
/// Keeps the number of open databases under a budget. Each open database holds several file descriptors (its file,
/// WAL, shared memory, readers, log segment), so thousands of busy tenants would otherwise exhaust the process's limit
/// long before idle collection closes them: past the budget, the least recently used databases are asked to close.
/// </summary>
public sealed class OpenDatabases(IGrainFactory grains, IOptions<AtollServerOptions> options, ILogger<OpenDatabases> logger)
{
    const int DescriptorsPerDatabase = 10; // writer: db, wal, shm; a reader or two; the change log's segment and WAL reader

    readonly ConcurrentDictionary<string, long> _lastUsed = new();
    int _closing;

    /// <summary>The most databases kept open at once (<c>Atoll:MaxOpenDatabases</c>, else from the process's file limit).</summary>
    public int Budget { get; } = options.Value.MaxOpenDatabases > 0 ? options.Value.MaxOpenDatabases
        : Math.Max(64, (OpenFileLimit() - 1024) / DescriptorsPerDatabase);

    /// <summary>Databases open now.</summary>
    public int Count => _lastUsed.Count;

    /// <summary>The uuids of the databases open on this node now (a cluster's node listing).</summary>
    public IReadOnlyList<string> Uuids => [.. _lastUsed.Keys];

    /// <summary>Open databases used within the last <paramref name="window"/> (the active ones, for metrics).</summary>
    public int UsedWithin(TimeSpan window)
    {
        var since = Environment.TickCount64 - (long)window.TotalMilliseconds;
        return _lastUsed.Count(pair => pair.Value >= since);
    }

    /// <summary>Records that <paramref name="uuid"/> is open and in use; closes the least recently used ones when over budget.</summary>
    public void Touch(string uuid)
    {
        _lastUsed[uuid] = Environment.TickCount64;
        if (_lastUsed.Count > Budget && Interlocked.CompareExchange(ref _closing, 1, 0) == 0) _ = CloseLeastRecentlyUsedAsync();
    }

    /// <summary>Records that <paramref name="uuid"/> closed.</summary>
    public void Closed(string uuid) => _lastUsed.TryRemove(uuid, out _);

    async Task CloseLeastRecentlyUsedAsync()
    {
        try
        {
            // Close a tenth of the budget at once, so a burst of new tenants does not close one database per request.
            // From a consistent copy: sorting the live dictionary while databases open and close threw, and the budget
            // was then not enforced at all (a 100,000-database run ran out of file descriptors).
            var open = _lastUsed.ToArray();
            var excess = open.Length - Budget + Math.Max(1, Budget / 10);
            var victims = open.OrderBy(p => p.Value).Take(excess).Select(p => p.Key).ToList();
            logger.LogInformation("{Open} databases open, budget {Budget}: closing the {Count} least recently used", _lastUsed.Count, Budget, victims.Count);
            await Task.WhenAll(victims.Select(uuid => grains.GetGrain<IDatabaseGrain>(uuid).Close()));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Closing least recently used databases failed");
        }
        finally
        {
            Volatile.Write(ref _closing, 0);
        }
    }

    /// <summary>The soft limit on open files, from <c>/proc/self/limits</c> (Linux); 4096 where it cannot be read.</summary>
    static int OpenFileLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: >= 4 } && int.TryParse(fields[3], out var soft) ? soft : 4096;
        }
        catch (IOException)
        {
            return 4096;
        }
    }
}
