using System.Text.Json;
using Atoll.Engine;
using Atoll.Engine.Storage;
using Atoll.Server.Cluster;
using Atoll.Tests;
using Npgsql;

namespace Atoll.Server.Tests.Cluster;

/// <summary>
/// The cluster's fence on a real PostgreSQL and a real (folder) object store: a zombie owner is refused, claims are unique
/// and increasing, retries of the same bytes succeed, an owner that died mid-upload loses nothing it reserved — and two
/// engines racing on one database over a store that ignores conditional writes (as s3rver does) keep one history.
/// </summary>
public sealed class PostgresOwnershipFenceTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    readonly string _directory = Directory.CreateTempSubdirectory("atoll-pgfence-").FullName;
    NpgsqlDataSource? _source;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    NpgsqlDataSource Source => _source!;

    IObjectStore Store => new FileSystemObjectStore(Path.Combine(_directory, "objects"));

    public async ValueTask InitializeAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("fence");
        await ClusterSchema.EnsureAsync(connectionString, Ct);
        _source = NpgsqlDataSource.Create(connectionString);
    }

    static byte[] Entry(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    static string Key(long sequence) => $"databases/x/log/{sequence:x16}.entry";

    [Fact]
    public async Task An_older_epoch_cannot_publish_once_a_newer_owner_claimed_and_published()
    {
        var a = new PostgresOwnershipFence(Source, Store);
        var b = new PostgresOwnershipFence(Source, Store);
        var epochA = await a.ClaimAsync("databases/x/", Ct);
        Assert.True(await a.PublishAsync(Key(1), Entry("a1"), epochA, Ct));

        var epochB = await b.ClaimAsync("databases/x/", Ct);
        Assert.True(epochB > epochA);
        Assert.False(await a.PublishAsync(Key(2), Entry("a2"), epochA, Ct)); // fenced by the claim alone
        Assert.True(await b.PublishAsync(Key(2), Entry("b2"), epochB, Ct));
        Assert.False(await a.PublishAsync(Key(2), Entry("a2"), epochA, Ct)); // and cannot take the sequence B published
        Assert.False(await a.PublishAsync(Key(3), Entry("a3"), epochA, Ct)); // nor any later one
        Assert.False(await b.PublishAsync(Key(1), Entry("b1"), epochB, Ct)); // B cannot rewrite history either

        Assert.Equal("a1", await ReadAsync(Key(1)));
        Assert.Equal("b2", await ReadAsync(Key(2)));
        Assert.Null(await Store.GetAsync(Key(3), Ct));
    }

    [Fact]
    public async Task Concurrent_claims_get_distinct_increasing_epochs()
    {
        var fences = Enumerable.Range(0, 12).Select(_ => new PostgresOwnershipFence(Source, Store)).ToArray();
        var epochs = await Task.WhenAll(fences.Select(f => Task.Run(() => f.ClaimAsync("databases/y/", Ct), Ct)));
        Assert.Equal(epochs.Length, epochs.Distinct().Count());
        var next = await fences[0].ClaimAsync("databases/y/", Ct);
        Assert.True(next > epochs.Max(), $"a later claim ({next}) must be above every earlier one ({string.Join(",", epochs)})");
        // Only the newest claim may publish.
        var results = await Task.WhenAll(epochs.Append(next).Select(e => fences[0].PublishAsync("databases/y/log/0000000000000001.entry", Entry($"e{e}"), e, Ct)));
        Assert.Equal([true], results.Where(r => r).ToArray());
        Assert.True(results[^1]);
    }

    [Fact]
    public async Task A_retry_of_the_same_bytes_succeeds_and_other_bytes_are_refused()
    {
        var fence = new PostgresOwnershipFence(Source, Store);
        var epoch = await fence.ClaimAsync("databases/x/", Ct);
        Assert.True(await fence.PublishAsync(Key(7), Entry("seven"), epoch, Ct));
        Assert.True(await fence.PublishAsync(Key(7), Entry("seven"), epoch, Ct)); // the first answer was lost: retry
        Assert.False(await fence.PublishAsync(Key(7), Entry("SEVEN"), epoch, Ct));
        Assert.Equal("seven", await ReadAsync(Key(7)));
    }

    [Fact]
    public async Task An_owner_that_died_mid_upload_loses_nothing_it_reserved()
    {
        var dying = new PostgresOwnershipFence(Source, new UnreachableStore());
        var epoch = await dying.ClaimAsync("databases/x/", Ct);
        // The sequence is reserved in PostgreSQL but the upload fails: not acknowledged (the shipper would retry)…
        await Assert.ThrowsAsync<IOException>(() => dying.PublishAsync(Key(1), Entry("reserved"), epoch, Ct));

        // …and the owner dies. The next owner's claim finishes the upload before it looks at the store.
        var next = new PostgresOwnershipFence(Source, Store);
        var newer = await next.ClaimAsync("databases/x/", Ct);
        Assert.Equal("reserved", await ReadAsync(Key(1)));
        Assert.False(await next.PublishAsync(Key(1), Entry("other"), newer, Ct)); // no second history for that sequence
        Assert.True(await next.PublishAsync(Key(2), Entry("next"), newer, Ct));
    }

    [Fact]
    public async Task Two_engines_racing_on_one_database_over_a_store_without_conditional_writes_keep_one_history()
    {
        // The store overwrites on "create if absent", as s3rver does: the fence in PostgreSQL is all that arbitrates.
        var store = new UnconditionalStore(Store);
        ChangeLogOptions Options() => new()
        {
            ObjectStore = store, ObjectPrefix = "databases/z/", WaitForUpload = true, UploadTimeout = TimeSpan.FromSeconds(60),
            Fence = new PostgresOwnershipFence(Source, store),
        };
        string Node(string name) => Path.Combine(_directory, name, "db.sqlite");

        await using var a = await Database.OpenAsync(Node("a"), changeLog: Options(), cancellationToken: Ct);
        a.Execute(QueryRequest.Single("CREATE TABLE t(owner TEXT, n INTEGER)"), Ct);
        for (var n = 0; n < 5; n++) a.Execute(QueryRequest.Single("INSERT INTO t VALUES ('a', ?)", SqlValue.FromInteger(n)), Ct);
        // A second owner takes over from the store while the first still runs (a zombie).
        await using var b = await Database.OpenAsync(Node("b"), changeLog: Options(), cancellationToken: Ct);

        var acknowledged = new List<string>();
        var failures = new Dictionary<string, string>();
        async Task Write(Database db, string owner)
        {
            await Task.Yield();
            for (var n = 100; n < 120; n++)
            {
                try
                {
                    db.Execute(QueryRequest.Single("INSERT INTO t VALUES (?, ?)", SqlValue.FromText(owner), SqlValue.FromInteger(n)), Ct);
                    lock (acknowledged) acknowledged.Add($"{owner}{n}");
                }
                catch (D1Exception ex)
                {
                    lock (failures) failures.TryAdd(owner, ex.Message);
                }
            }
        }
        await Task.WhenAll(Task.Run(() => Write(a, "a"), Ct), Task.Run(() => Write(b, "b"), Ct));

        var loser = Assert.Single(failures); // exactly one owner was fenced, and it says why
        Assert.Contains("another owner", loser.Value);
        var winner = loser.Key == "a" ? b : a;

        // A third owner rebuilt from the store sees the winner's history, whole, with every acknowledged commit.
        await using var c = await Database.OpenAsync(Node("c"), changeLog: Options(), cancellationToken: Ct);
        Assert.Equal(winner.CurrentBookmark, c.CurrentBookmark);
        using var rows = JsonDocument.Parse(c.Execute(QueryRequest.Single("SELECT owner || n AS k FROM t WHERE n >= 100"), Ct).Json);
        var survived = rows.RootElement[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("k").GetString()).ToHashSet();
        Assert.All(acknowledged, key => Assert.Contains(key, survived));
        Assert.DoesNotContain(survived, k => k!.StartsWith(loser.Key, StringComparison.Ordinal) && !acknowledged.Contains(k));
    }

    async Task<string?> ReadAsync(string key)
    {
        await using var stream = await Store.GetAsync(key, Ct);
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_source is not null) await _source.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>An object store whose every upload fails (a node that lost its network mid-publish).</summary>
    sealed class UnreachableStore : IObjectStore
    {
        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => throw new IOException("store unreachable");
        public Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken = default) => throw new IOException("store unreachable");
        public Task<Stream?> GetAsync(string key, CancellationToken cancellationToken = default) => throw new IOException("store unreachable");
        public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) => throw new IOException("store unreachable");
        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => throw new IOException("store unreachable");
    }

    /// <summary>A real folder store whose create-if-absent overwrites and says yes, like s3rver 3.7.1.</summary>
    sealed class UnconditionalStore(IObjectStore inner) : IObjectStore
    {
        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => inner.PutAsync(key, content, cancellationToken);
        public async Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken = default)
        {
            await inner.PutAsync(key, content, cancellationToken);
            return true;
        }
        public Task<Stream?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);
        public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
    }
}
