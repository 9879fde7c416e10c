using System.Diagnostics;
using Atoll.Engine.Storage;
using Atoll.Server.Catalog;
using Atoll.Server.Cluster;
using Atoll.Tests;
using Npgsql;

// The cluster store's two costs, on a private PostgreSQL (scripts/postgres.sh).
// 1. How long a token revoked on one cluster node stays accepted on another: two PostgresCatalog instances (two nodes, two
// connection pools) on a private PostgreSQL (scripts/postgres.sh). Each round creates a token on A, makes B know it,
// revokes it on A and times, from the revoke's answer, until B refuses it. Two cases: the ordinary path (NOTIFY), and a
// lost notification (the revocation written without NOTIFY: only B's poll, every RefreshInterval, can see it). The
// baseline in the same run is one PostgreSQL round trip (SELECT 1) from the same process.
// 2. What the fence adds to each published log entry: PostgresOwnershipFence vs the single-node ObjectStoreFence (the
// baseline), both publishing the same 4 KB entries in sequence to a folder object store.
// Usage: dotnet run -c Release --project bench/Atoll.ClusterStore -- [rounds=200]
var rounds = args.Length > 0 ? int.Parse(args[0]) : 200;
await using var postgres = new PostgresServer();
await postgres.InitializeAsync();
var connectionString = await postgres.CreateDatabaseAsync("bench");
await ClusterSchema.EnsureAsync(connectionString);
await using var sourceA = NpgsqlDataSource.Create(connectionString);
await using var sourceB = NpgsqlDataSource.Create(connectionString);
var options = new PostgresCatalogOptions();
await using var a = new PostgresCatalog(sourceA, options);
await using var b = new PostgresCatalog(sourceB, options);
var (account, _) = await a.BootstrapAsync("default", "bench-admin-token-0123456789");

var roundTrip = new List<double>();
var notified = new List<double>();
var polled = new List<double>();
for (var i = 0; i < rounds; i++)
{
    var clock = Stopwatch.StartNew();
    await using (var ping = sourceA.CreateCommand("SELECT 1")) await ping.ExecuteScalarAsync();
    roundTrip.Add(clock.Elapsed.TotalMilliseconds);

    var (token, value) = await a.CreateTokenAsync(account.Id, $"t{i}", TokenPermission.Read, null);
    if (await b.FindTokenAsync(value) is null) throw new InvalidOperationException("B does not know a token A created");
    await a.RevokeTokenAsync(account.Id, token.Id);
    notified.Add(await UntilRefused(b, value));

    // Every 4th round, the lost-notification case (it waits up to the poll interval, so fewer rounds).
    if (i % 4 != 0) continue;
    (token, value) = await a.CreateTokenAsync(account.Id, $"p{i}", TokenPermission.Read, null);
    if (await b.FindTokenAsync(value) is null) throw new InvalidOperationException("B does not know a token A created");
    await using (var revoke = sourceA.CreateCommand("DELETE FROM tokens WHERE id = @id; INSERT INTO catalog_changes(kind, key) VALUES ('token', @id)"))
    {
        revoke.Parameters.AddWithValue("id", token.Id);
        await revoke.ExecuteNonQueryAsync();
    }
    polled.Add(await UntilRefused(b, value));
}

Console.WriteLine($"cores: {Environment.ProcessorCount}; {rounds} rounds; RefreshInterval {options.RefreshInterval.TotalSeconds} s, StaleAfter {options.StaleAfter.TotalSeconds} s");
Console.WriteLine("| case | p50 | p99 | max | p50 / round trip |");
Console.WriteLine("|---|---|---|---|---|");
Row("PostgreSQL round trip (baseline)", roundTrip);
Row("revoked on A → refused on B (NOTIFY)", notified);
Row("same, notification lost (poll only)", polled);

// 2. The fence.
var folder = Directory.CreateTempSubdirectory("atoll-fence-bench-").FullName;
try
{
    var store = new FileSystemObjectStore(folder);
    var entry = new byte[4096];
    Random.Shared.NextBytes(entry);
    var single = await Publish(new ObjectStoreFence(store), "single/");
    var cluster = await Publish(new PostgresOwnershipFence(sourceA, store), "cluster/");
    Console.WriteLine();
    Console.WriteLine($"| publish one 4 KB entry ({rounds * 2} in sequence) | p50 | p99 | max | p50 / single node |");
    Console.WriteLine("|---|---|---|---|---|");
    Console.WriteLine($"| ObjectStoreFence, folder store (single node, baseline) | {Percentile(single, 0.50):0.00} ms | {Percentile(single, 0.99):0.00} ms | {single.Max():0.00} ms | 1.0 |");
    Console.WriteLine($"| PostgresOwnershipFence, same store | {Percentile(cluster, 0.50):0.00} ms | {Percentile(cluster, 0.99):0.00} ms | {cluster.Max():0.00} ms | {Percentile(cluster, 0.50) / Percentile(single, 0.50):0.0} |");

    async Task<List<double>> Publish(IOwnershipFence fence, string prefix)
    {
        var epoch = await fence.ClaimAsync(prefix, CancellationToken.None);
        var samples = new List<double>();
        for (var sequence = 1; sequence <= rounds * 2; sequence++)
        {
            var clock = Stopwatch.StartNew();
            if (!await fence.PublishAsync($"{prefix}log/{sequence:x16}.entry", entry, epoch, CancellationToken.None))
                throw new InvalidOperationException($"publish {sequence} refused");
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }
        return samples;
    }
}
finally
{
    Directory.Delete(folder, recursive: true);
}

void Row(string name, List<double> samples)
    => Console.WriteLine($"| {name} | {Percentile(samples, 0.50):0.00} ms | {Percentile(samples, 0.99):0.00} ms | {samples.Max():0.00} ms | {Percentile(samples, 0.50) / Percentile(roundTrip, 0.50):0.0} |");

static async Task<double> UntilRefused(PostgresCatalog node, string value)
{
    var clock = Stopwatch.StartNew();
    while (await node.FindTokenAsync(value) is not null) await Task.Delay(1);
    return clock.Elapsed.TotalMilliseconds;
}

static double Percentile(List<double> samples, double p)
{
    var sorted = samples.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
