using System.Diagnostics;
using Atoll.Engine;

namespace Atoll.TimeTravel.Benchmarks;

/// <summary>
/// Opening a database after a clean close: a large one with a long history (~1 MB BLOBs up to the size asked, then
/// that many single-row commits) against a small one with 10 entries, each timed as OpenAsync + the first query. As a
/// baseline in the same run, the large one is also opened without its saved index — what every open cost before the
/// index was persisted (every segment read and CRC-checked, the whole file hashed).
/// </summary>
static class OpenTime
{
    public static async Task RunAsync(string root, int megabytes, int entries, int rounds)
    {
        var folder = Path.Combine(root, "atoll-bench-open-" + Guid.NewGuid().ToString("N"));
        try
        {
            var large = Path.Combine(folder, "large", "db.sqlite");
            var small = Path.Combine(folder, "small", "db.sqlite");
            var clock = Stopwatch.StartNew();
            await BuildAsync(large, megabytes, entries);
            Console.WriteLine($"large: {new FileInfo(large).Length / 1e6:F0} MB, {entries} entries, log {LogBytes(large) / 1e6:F0} MB, built in {clock.Elapsed.TotalSeconds:F0} s");
            await BuildAsync(small, 0, 10);
            Console.WriteLine($"small: {new FileInfo(small).Length / 1e3:F0} kB, 10 entries");

            var cleanLarge = new Samples();
            var cleanSmall = new Samples();
            var unsaved = new Samples();
            var operations = new (string Name, Samples Times, Func<Task> Run)[]
            {
                ("large", cleanLarge, () => OpenAsync(large)),
                ("small", cleanSmall, () => OpenAsync(small)),
                ("large, no saved index", unsaved, () =>
                {
                    File.Delete(Path.Combine(Path.GetDirectoryName(large)!, "log", "state"));
                    return OpenAsync(large);
                }),
            };
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (_, times, run) in round % 2 == 0 ? operations : operations.Reverse())
                {
                    var started = Stopwatch.GetTimestamp();
                    await run();
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    await CloseAsync(); // not timed: saves the index for the next clean open
                }
                Console.WriteLine($"  round {round + 1}: " + string.Join(", ", operations.Select(o => $"{o.Name} {o.Times.Last:F1} ms")));
            }
            Console.WriteLine();
            Console.WriteLine("| open + first query, after a clean close | median | runs (ms) | ratio to the small database |");
            Console.WriteLine("|---|---|---|---|");
            foreach (var (name, samples) in new[] { ($"{megabytes} MB, {entries:N0} entries", cleanLarge), ("small, 10 entries (baseline)", cleanSmall), ($"{megabytes} MB, {entries:N0} entries, no saved index", unsaved) })
                Console.WriteLine($"| {name} | {samples.Median:F1} ms | {samples} | {samples.Median / cleanSmall.Median:F2} |");
        }
        finally
        {
            if (_open is not null) await _open.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    static Database? _open;

    static async Task OpenAsync(string path)
    {
        _open = await Database.OpenAsync(path, changeLog: Options());
        _open.Execute(QueryRequest.Single("SELECT count(*) FROM small WHERE id = 1"));
    }

    static async Task CloseAsync()
    {
        await _open!.DisposeAsync();
        _open = null;
    }

    static ChangeLogOptions Options() => new() { SnapshotEveryCommits = int.MaxValue, SnapshotInterval = TimeSpan.FromDays(3650) };

    static async Task BuildAsync(string path, int megabytes, int entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var plain = Database.Open(path, changeLog: new ChangeLogOptions { Enabled = false }))
        {
            plain.Execute(QueryRequest.Single("CREATE TABLE blobs(id INTEGER PRIMARY KEY, b BLOB NOT NULL)"));
            plain.Execute(QueryRequest.Single("CREATE TABLE small(id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
            while (new FileInfo(path).Length + new FileInfo(path + "-wal").Length < megabytes * (1L << 20))
                plain.Execute(QueryRequest.Single("""
                    INSERT INTO blobs(b) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 32)
                    SELECT randomblob(1000000) FROM n
                    """));
        }
        await using var database = await Database.OpenAsync(path, changeLog: Options());
        for (var i = 1; i < entries; i++) // the baseline is the first entry
        {
            var result = database.ExecuteWriteUnsynced(QueryRequest.Single("INSERT INTO small(v) VALUES (?)", SqlValue.FromText($"commit {i}")));
            if (i % 1000 == 0) database.SyncLog(result.Bookmark); // one entry per commit, synced in groups
        }
    }

    static long LogBytes(string path) => Directory.GetFiles(Path.Combine(Path.GetDirectoryName(path)!, "log"), "*.seg").Sum(f => new FileInfo(f).Length);
}
