using System.Diagnostics;
using Atoll.Engine;

namespace Atoll.TimeTravel.Benchmarks;

/// <summary>
/// Restore of a large database to a bookmark many commits after its only snapshot: the database is filled with
/// ~1 MB BLOBs (change log off, quick), reopened with the change log on (its baseline snapshot is the full file),
/// then given single-row commits. Each round times a plain copy of the file (File.Copy, and File.Copy + fsync),
/// a fork to a new file (reconstruction: snapshot copy + replay + checksum) and an in-place restore (the same, plus
/// the restored state saved as a snapshot), all to the same bookmark.
/// </summary>
static class RestoreTime
{
    public static async Task RunAsync(string root, int megabytes, int commits, int rounds)
    {
        var folder = Path.Combine(root, "atoll-bench-restore-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "db.sqlite");
        try
        {
            var clock = Stopwatch.StartNew();
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
            Console.WriteLine($"filled {new FileInfo(path).Length / 1e6:F0} MB with 1 MB BLOBs in {clock.Elapsed.TotalSeconds:F1} s");

            clock.Restart();
            var options = new ChangeLogOptions { Enabled = true, SnapshotEveryCommits = int.MaxValue, SnapshotInterval = TimeSpan.FromDays(3650) };
            await using var database = await Database.OpenAsync(path, changeLog: options);
            var baseline = database.CurrentBookmark;
            Console.WriteLine($"opened with the change log: baseline snapshot at {baseline} in {clock.Elapsed.TotalSeconds:F1} s");

            clock.Restart();
            for (var i = 0; i < commits; i++)
                database.Execute(QueryRequest.Single("INSERT INTO small(v) VALUES (?)", SqlValue.FromText($"commit {i}")));
            var target = database.CurrentBookmark;
            var snapshots = Directory.GetFiles(Path.Combine(folder, "snapshots"), "*.db").Length;
            if (snapshots != 1) throw new InvalidOperationException($"expected only the baseline snapshot, found {snapshots}");
            var size = new FileInfo(path).Length;
            Console.WriteLine($"{commits} single-row commits in {clock.Elapsed.TotalSeconds:F1} s; target {target} ({target.Sequence - baseline.Sequence} commits after the only snapshot); " +
                $"log {Directory.GetFiles(Path.Combine(folder, "log")).Sum(f => new FileInfo(f).Length) / 1e6:F0} MB; file {size / 1e6:F0} MB");

            var copy = new Samples();
            var copySync = new Samples();
            var fork = new Samples();
            var restore = new Samples();
            var copyPath = Path.Combine(folder, "copy.sqlite");
            var operations = new (string Name, Samples Times, Func<Task> Run)[]
            {
                ("File.Copy", copy, () =>
                {
                    File.Copy(path, copyPath, overwrite: true);
                    return Task.CompletedTask;
                }),
                ("File.Copy + fsync", copySync, () =>
                {
                    File.Copy(path, copyPath, overwrite: true);
                    using var file = new FileStream(copyPath, FileMode.Open, FileAccess.ReadWrite);
                    file.Flush(flushToDisk: true);
                    return Task.CompletedTask;
                }),
                ("ForkAsync", fork, () => database.ForkAsync(target, copyPath)),
                ("RestoreAsync", restore, () => database.RestoreAsync(target)),
            };
            for (var round = 0; round < rounds; round++)
            {
                // Alternate the order: deleting a 1 GB file (discard) or writing one back slows whatever runs next.
                foreach (var (name, times, run) in round % 2 == 0 ? operations : operations.Reverse())
                {
                    times.Add(await TimeAsync(run));
                    File.Delete(copyPath);
                }
                var rows = WriteThroughput.Scalar(database, "SELECT count(*) AS n FROM small");
                if (rows != commits) throw new InvalidOperationException($"restored {rows} rows, expected {commits}");
                Console.WriteLine($"  round {round + 1}: " + string.Join(", ", operations.Select(o => $"{o.Name} {o.Times.Last:F0} ms")));
            }

            double Rate(Samples s) => size / 1e6 / (s.Median / 1000);
            Console.WriteLine();
            Console.WriteLine($"| operation ({size / 1e6:F0} MB, {commits} commits after the snapshot) | time (median) | runs (ms) | MB/s | time ratio to File.Copy + fsync |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var (name, samples) in new[] { ("File.Copy", copy), ("File.Copy + fsync", copySync), ("ForkAsync (reconstruction)", fork), ("RestoreAsync (in place)", restore) })
                Console.WriteLine($"| {name} | {samples.Median / 1000:F2} s | {samples} | {Rate(samples):F0} | {samples.Median / copySync.Median:F2} |");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Starts each measurement from a clean page cache state: no dirty pages of the previous step being written back.
    static void Settle()
    {
        using var sync = Process.Start("sync");
        sync?.WaitForExit();
        Thread.Sleep(200);
    }

    static async Task<double> TimeAsync(Func<Task> action)
    {
        Settle();
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalMilliseconds;
    }
}
