using System.Collections.Concurrent;
using SQLitePCL;

namespace Atoll.Engine.Connections;

/// <summary>Read-only connections to one database file, opened on demand up to a fixed count.</summary>
/// <remarks>
/// Idle readers wait in a small array taken from the front: the most recently used reader (its page cache warm) serves
/// the next read, and renting from another thread takes no lock (a <c>ConcurrentBag</c> made such renters steal under
/// a lock from the returning thread's list, and spread reads over every reader's cold cache).
/// </remarks>
internal sealed class ReaderPool(string path, EngineOptions options, CommitState state) : IDisposable
{
    readonly Connection?[] _idle = new Connection?[options.ReaderCount];
    readonly SemaphoreSlim _slots = new(options.ReaderCount, options.ReaderCount);
    readonly ConcurrentDictionary<Connection, bool> _all = new();
    volatile bool _closed;

    public Connection Rent(CancellationToken cancellation)
    {
        _slots.Wait(cancellation);
        if (_closed)
        {
            _slots.Release();
            throw new D1Exception(D1ErrorCode.Overloaded, "D1 DB is being restored; retry the request.");
        }
        // Holding a slot means at most ReaderCount - 1 others hold readers: an idle one is here, or fewer than the count exist.
        for (var i = 0; i < _idle.Length; i++)
            if (Volatile.Read(ref _idle[i]) is not null && Interlocked.Exchange(ref _idle[i], null) is { } idle) return idle;
        Connection connection;
        try
        {
            connection = Connection.Open(path, options, reader: true, state);
        }
        catch
        {
            _slots.Release();
            throw;
        }
        _all[connection] = true;
        return connection;
    }

    public void Return(Connection connection)
    {
        // At most ReaderCount readers exist and this one is out, so a free place is always found.
        for (var i = 0; i < _idle.Length; i++)
            if (Interlocked.CompareExchange(ref _idle[i], connection, null) is null) break;
        _slots.Release();
    }

    /// <summary>Interrupts every read in flight, waits for all readers to come back, and closes them.</summary>
    public async Task CloseAsync()
    {
        _closed = true;
        foreach (var connection in _all.Keys) raw.sqlite3_interrupt(connection.Handle);
        for (var i = 0; i < options.ReaderCount; i++) await _slots.WaitAsync().ConfigureAwait(false);
        Dispose();
    }

    /// <summary>Closes the readers; called with no reads in flight.</summary>
    public void Dispose()
    {
        _closed = true;
        foreach (var connection in _all.Keys) connection.Dispose();
        _all.Clear();
        Array.Clear(_idle);
    }
}
