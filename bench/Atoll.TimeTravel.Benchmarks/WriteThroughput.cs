using System.Diagnostics;
using System.Text.Json;
using Atoll.Engine;
using Atoll.Engine.Storage;

namespace Atoll.TimeTravel.Benchmarks;

/// <summary>
/// Single-row INSERTs from 16 threads into one database (each its own commit, fsynced at synchronous=FULL), with the
/// change log off, on, and on with a filesystem object store (the server's default). The configurations alternate
/// round by round, each on a fresh database; the report is the median commits/s of each and its ratio to "off".
/// </summary>
static class WriteThroughput
{
    const int Writers = 16;

    // SyncEveryCommit null = the engine's default: synchronous=FULL without a change log, NORMAL with one (the log is the durable record).
    static readonly (string Name, bool? SyncEveryCommit, Func<string, ChangeLogOptions> Options)[] Configurations =
    [
        ("change log off", null, _ => new ChangeLogOptions { Enabled = false }),
        ("change log on (local segments)", null, _ => new ChangeLogOptions { Enabled = true }),
        ("change log on + filesystem object store", null, folder => new ChangeLogOptions
        {
            Enabled = true,
            ObjectStore = new FileSystemObjectStore(Path.Combine(folder, "objects")),
            ObjectPrefix = "databases/bench/",
        }),
        ("change log on, SQLite synchronous=FULL as well", true, _ => new ChangeLogOptions { Enabled = true }),
    ];

    public static void Run(string root, TimeSpan duration, int rounds)
    {
        Console.WriteLine($"{Writers} writers, {duration.TotalSeconds:0} s per run, {rounds} rounds, work folder {root}");
        var results = Configurations.Select(_ => new Samples()).ToArray();
        var cpu = Configurations.Select(_ => new Samples()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate the order so neither side always runs on a warmer (or busier) machine.
            var order = Enumerable.Range(0, Configurations.Length).ToArray();
            if (round % 2 == 1) Array.Reverse(order);
            foreach (var c in order)
            {
                var (rate, cpuMs) = Measure(root, Configurations[c].SyncEveryCommit, Configurations[c].Options, duration);
                results[c].Add(rate);
                cpu[c].Add(cpuMs * 1000);
                Console.WriteLine($"  round {round + 1}: {Configurations[c].Name}: {rate:F0} commits/s, {cpuMs * 1000:F0} µs CPU per commit");
            }
        }
        var baseline = results[0].Median;
        Console.WriteLine();
        Console.WriteLine("| configuration | commits/s (median) | runs | ratio to off | CPU per commit (median) |");
        Console.WriteLine("|---|---|---|---|---|");
        for (var c = 0; c < Configurations.Length; c++)
            Console.WriteLine($"| {Configurations[c].Name} | {results[c].Median:F0} | {results[c]} | {results[c].Median / baseline:F2} | {cpu[c].Median:F0} µs |");
    }

    static (double Rate, double CpuMs) Measure(string root, bool? syncEveryCommit, Func<string, ChangeLogOptions> options, TimeSpan duration)
    {
        var folder = Path.Combine(root, "atoll-bench-writes-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var database = Database.OpenAsync(Path.Combine(folder, "db.sqlite"), new EngineOptions { SyncEveryCommit = syncEveryCommit }, options(folder)).GetAwaiter().GetResult();
            database.Execute(QueryRequest.Single("CREATE TABLE events(id INTEGER PRIMARY KEY, writer INTEGER NOT NULL, n INTEGER NOT NULL, body TEXT NOT NULL)"));
            var body = new string('x', 100);
            for (var i = 0; i < 200; i++) Insert(database, -1, i, body); // warm the statement cache and the file
            var stop = 0;
            var counts = new long[Writers];
            using var start = new Barrier(Writers + 1);
            var threads = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
            {
                start.SignalAndWait();
                long n = 0;
                while (Volatile.Read(ref stop) == 0) Insert(database, w, n++, body);
                counts[w] = n;
            })).ToArray();
            foreach (var thread in threads) thread.Start();
            start.SignalAndWait();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            Thread.Sleep(duration);
            Volatile.Write(ref stop, 1);
            foreach (var thread in threads) thread.Join();
            var elapsed = clock.Elapsed.TotalSeconds;
            var cpuPerCommit = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / counts.Sum();
            var rows = Scalar(database, "SELECT count(*) AS n FROM events WHERE writer >= 0");
            if (rows != counts.Sum()) throw new InvalidOperationException($"{rows} rows, {counts.Sum()} acknowledged inserts");
            database.WhenIdleAsync().GetAwaiter().GetResult();
            return (counts.Sum() / elapsed, cpuPerCommit);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The first column of the first row of a one-statement query.</summary>
    public static long Scalar(Database database, string sql)
    {
        using var json = JsonDocument.Parse(database.Execute(QueryRequest.Single(sql)).Json);
        return json.RootElement[0].GetProperty("results")[0].EnumerateObject().First().Value.GetInt64();
    }

    static void Insert(Database database, long writer, long n, string body)
        => database.Execute(QueryRequest.Single("INSERT INTO events(writer, n, body) VALUES (?, ?, ?)",
            SqlValue.FromInteger(writer), SqlValue.FromInteger(n), SqlValue.FromText(body)));
}
