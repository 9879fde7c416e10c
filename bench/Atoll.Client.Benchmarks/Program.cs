using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Atoll.Client.Benchmarks -- --job short --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Atoll.Client.Benchmarks.EmbeddedPointQueryBenchmarks).Assembly).Run(args);
