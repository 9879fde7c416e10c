using Atoll.TimeTravel.Benchmarks;

// Time Travel costs, each measured against a baseline in the same run (medians of alternating rounds):
//   writes  [seconds per run (5)] [rounds (5)]  — single-row INSERTs from 16 threads: change log off vs on (vs on + filesystem object store)
//   restore [megabytes (1024)] [commits (10000)] [rounds (3)] — restore/fork of a 1 GB database to a bookmark 10,000 commits
//           after its only snapshot, vs File.Copy of the same file
//   open    [megabytes (1024)] [entries (100000)] [rounds (9)] — OpenAsync + first query after a clean close: a large database
//           with a long history vs one with 10 entries (vs the large one without its saved index)
// Usage: dotnet run -c Release --project bench/Atoll.TimeTravel.Benchmarks -- writes|restore|open [args] (ATOLL_BENCH_DIR: work folder, default /tmp)
var command = args.Length > 0 ? args[0] : "";
var rest = args.Skip(1).Select(int.Parse).ToArray();
int Arg(int index, int fallback) => rest.Length > index ? rest[index] : fallback;
var root = Environment.GetEnvironmentVariable("ATOLL_BENCH_DIR") ?? Path.GetTempPath();
switch (command)
{
    case "writes":
        WriteThroughput.Run(root, TimeSpan.FromSeconds(Arg(0, 5)), Arg(1, 5));
        break;
    case "restore":
        await RestoreTime.RunAsync(root, Arg(0, 1024), Arg(1, 10_000), Arg(2, 3));
        break;
    case "open":
        await OpenTime.RunAsync(root, Arg(0, 1024), Arg(1, 100_000), Arg(2, 9));
        break;
    default:
        Console.Error.WriteLine("usage: writes [seconds] [rounds] | restore [megabytes] [commits] [rounds] | open [megabytes] [entries] [rounds]");
        return 2;
}
return 0;
