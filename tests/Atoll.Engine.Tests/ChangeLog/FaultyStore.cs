using Atoll.Engine.Storage;

namespace Atoll.Engine.Tests.ChangeLog;

/// <summary>A real folder store with faults put in front of it: unreachable, failing some calls, or slow.</summary>
internal sealed class FaultyStore(string root) : IObjectStore
{
    readonly FileSystemObjectStore _inner = new(root);
    readonly Lock _lock = new();
    Func<string, bool>? _failMatch;
    int _failures;

    /// <summary>Every call fails as a connection refused would.</summary>
    public bool Unreachable
    {
        get => Volatile.Read(ref _unreachable);
        set => Volatile.Write(ref _unreachable, value);
    }

    bool _unreachable;

    /// <summary>A delay before each upload (a network round trip).</summary>
    public TimeSpan UploadDelay { get; set; }

    public int Calls;

    /// <summary>The keys created by <see cref="PutIfAbsentAsync"/>, in the order they were created.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Created { get; } = new();

    /// <summary>The next <paramref name="times"/> calls on keys or prefixes <paramref name="match"/> accepts fail.</summary>
    public void FailNext(Func<string, bool> match, int times)
    {
        lock (_lock)
        {
            _failMatch = match;
            _failures = times;
        }
    }

    async Task Enter(string key, CancellationToken cancellationToken, bool upload = false)
    {
        Interlocked.Increment(ref Calls);
        if (Unreachable) throw new HttpRequestException("Connection refused (127.0.0.1:9)");
        lock (_lock)
            if (_failures > 0 && _failMatch!(key))
            {
                _failures--;
                throw new IOException($"injected failure on {key}");
            }
        if (upload && UploadDelay > TimeSpan.Zero) await Task.Delay(UploadDelay, cancellationToken);
    }

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        await Enter(key, cancellationToken, upload: true);
        await _inner.PutAsync(key, content, cancellationToken);
    }

    public async Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        await Enter(key, cancellationToken, upload: true);
        var created = await _inner.PutIfAbsentAsync(key, content, cancellationToken);
        if (created) Created.Enqueue(key);
        return created;
    }

    public async Task<Stream?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        await Enter(key, cancellationToken);
        return await _inner.GetAsync(key, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await Enter(prefix, cancellationToken);
        return await _inner.ListAsync(prefix, cancellationToken);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await Enter(key, cancellationToken);
        await _inner.DeleteAsync(key, cancellationToken);
    }
}
