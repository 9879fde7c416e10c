using System.Collections.Concurrent;
using SQLitePCL;

namespace Atoll.Engine.Connections;

/// <summary>Read-only connections to one database file, opened on demand up to a fixed count.</summary>
internal sealed class ReaderPool(string path, EngineOptions options, CommitState state) : IDisposable
{
    readonly ConcurrentBag<Connection> _idle = [];
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
        if (_idle.TryTake(out var connection)) return connection;
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
        _idle.Add(connection);
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
        _idle.Clear();
    }
}
