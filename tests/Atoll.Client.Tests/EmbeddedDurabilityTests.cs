using Atoll.Engine;
using Atoll.Engine.Storage;

namespace Atoll.Client.Tests;

/// <summary>The engine's durability policy reaches embedded users: with WaitForUpload a write returns only once it is in the store.</summary>
public sealed class EmbeddedDurabilityTests : IDisposable
{
    readonly TempDirectory _directory = new();
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A folder store whose log uploads wait at a gate while <see cref="Closed"/>.</summary>
    sealed class GatedStore(string root) : IObjectStore
    {
        readonly FileSystemObjectStore _inner = new(root);
        readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool Closed;
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public async Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken = default)
        {
            if (Closed && key.Contains("/log/", StringComparison.Ordinal))
            {
                Reached.TrySetResult();
                await _open.Task.WaitAsync(cancellationToken);
            }
            return await _inner.PutIfAbsentAsync(key, content, cancellationToken);
        }

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => _inner.PutAsync(key, content, cancellationToken);
        public Task<Stream?> GetAsync(string key, CancellationToken cancellationToken = default) => _inner.GetAsync(key, cancellationToken);
        public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);
        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);
    }

    [Fact]
    public async Task With_WaitForUpload_an_embedded_write_returns_only_once_its_entry_is_in_the_store()
    {
        var store = new GatedStore(Path.Combine(_directory.Path, "objects"));
        using var db = D1Client.Open(new D1DatabaseOptions
        {
            DataDirectory = Path.Combine(_directory.Path, "data"),
            Database = "orders",
            CreateIfMissing = true,
            ChangeLog = new ChangeLogOptions { ObjectStore = store, WaitForUpload = true, UploadTimeout = TimeSpan.FromMinutes(2) },
        });
        await db.Prepare("CREATE TABLE t(v)").RunAsync(Ct);
        store.Closed = true;

        var write = Task.Run(() => db.Prepare("INSERT INTO t VALUES (1)").RunAsync(Ct), Ct);
        await store.Reached.Task.WaitAsync(TimeSpan.FromMinutes(1), Ct); // its entry is at the store's door…
        Assert.False(write.IsCompleted); // …and the write is not answered yet
        store.Open();
        var result = await write.WaitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(result.Success);
        var keys = await store.ListAsync("orders/log/", Ct);
        Assert.Equal(3, keys.Count); // baseline, CREATE, INSERT: all in the store once the write returned
    }

    public void Dispose() => _directory.Dispose();
}
