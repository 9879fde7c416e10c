using System.Security.Cryptography;
using Atoll.Server.Storage;

namespace Atoll.Server.Tests.Storage;

/// <summary>One s3rver for the contract tests; each test keeps its objects under its own prefix.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    internal S3rverProcess S3 { get; private set; } = null!;

    public async ValueTask InitializeAsync() => S3 = await S3rverProcess.StartAsync();

    public async ValueTask DisposeAsync() => await S3.DisposeAsync();
}

/// <summary><see cref="S3ObjectStore"/> against a real S3-protocol server (s3rver) on loopback.</summary>
public sealed class S3ObjectStoreTests(S3rverFixture fixture) : IClassFixture<S3rverFixture>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    S3ObjectStore NewStore(string? prefix = null) => new(fixture.S3.Options(prefix ?? $"t-{Guid.NewGuid():N}/"));

    static async Task<byte[]?> ReadAsync(S3ObjectStore store, string key)
    {
        await using var stream = await store.GetAsync(key, Ct);
        if (stream is null) return null;
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, Ct);
        return buffer.ToArray();
    }

    [Fact]
    public async Task Put_then_get_returns_the_same_bytes_and_a_put_replaces()
    {
        using var store = NewStore();
        var entry = RandomNumberGenerator.GetBytes(70_000);
        await store.PutAsync("databases/x/log/0000000000000001.entry", new MemoryStream(entry), Ct);
        Assert.Equal(entry, await ReadAsync(store, "databases/x/log/0000000000000001.entry"));

        var replaced = RandomNumberGenerator.GetBytes(10);
        await store.PutAsync("databases/x/log/0000000000000001.entry", new MemoryStream(replaced), Ct);
        Assert.Equal(replaced, await ReadAsync(store, "databases/x/log/0000000000000001.entry"));

        var empty = Array.Empty<byte>();
        await store.PutAsync("empty", new MemoryStream(empty), Ct);
        Assert.Equal(empty, await ReadAsync(store, "empty"));
    }

    [Fact]
    public async Task Put_takes_non_seekable_streams_and_large_files()
    {
        using var store = NewStore();
        var bytes = RandomNumberGenerator.GetBytes(6 << 20); // a snapshot-sized object, above the SDK's 5 MB part size
        await store.PutAsync("snapshots/big.db", new ForwardOnlyStream(bytes), Ct);
        Assert.Equal(bytes, await ReadAsync(store, "snapshots/big.db"));

        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, bytes[..1_000_000], Ct);
            await using (var file = File.OpenRead(path)) await store.PutAsync("snapshots/file.db", file, Ct);
            Assert.Equal(bytes[..1_000_000], await ReadAsync(store, "snapshots/file.db"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_null_and_delete_removes_a_key()
    {
        using var store = NewStore();
        Assert.Null(await ReadAsync(store, "nothing/here"));
        await store.PutAsync("a", new MemoryStream([1, 2, 3]), Ct);
        await store.DeleteAsync("a", Ct);
        Assert.Null(await ReadAsync(store, "a"));
        Assert.Empty(await store.ListAsync("", Ct));
        await store.DeleteAsync("a", Ct); // deleting what is gone is not an error (S3 semantics, and expiry relies on it)
    }

    [Fact]
    public async Task List_pages_past_a_thousand_keys_returns_them_sorted_and_stays_inside_the_prefix()
    {
        var prefix = $"t-{Guid.NewGuid():N}/";
        using var store = NewStore(prefix);
        using var neighbour = NewStore(prefix[..^1] + "-other/");
        await neighbour.PutAsync("databases/d/log/0000000000000000.entry", new MemoryStream([0]), Ct);
        const int count = 1_030; // s3rver, like S3, answers at most 1000 keys a page
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (i, ct) => await store.PutAsync($"databases/d/log/{i:x16}.entry", new MemoryStream([(byte)i]), ct));
        await store.PutAsync("databases/d/snapshots/0000000000000000.db", new MemoryStream([9]), Ct);

        var log = await store.ListAsync("databases/d/log/", Ct);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"databases/d/log/{i:x16}.entry"), log);
        Assert.Equal(["databases/d/snapshots/0000000000000000.db"], await store.ListAsync("databases/d/snapshots/", Ct));
        Assert.Equal(count + 1, (await store.ListAsync("", Ct)).Count);
        Assert.Empty(await store.ListAsync("databases/e/", Ct));
    }

    [Fact]
    public async Task An_unreachable_server_fails_every_call_instead_of_answering_missing()
    {
        var options = fixture.S3.Options("unreachable/");
        options.ServiceUrl = $"http://127.0.0.1:{UnusedPort()}";
        using var store = new S3ObjectStore(options);
        await Assert.ThrowsAnyAsync<Exception>(() => store.PutAsync("k", new MemoryStream([1]), Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => store.GetAsync("k", Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => store.ListAsync("", Ct));
    }

    static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A stream that can only be read forward, like a network body.</summary>
    sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
