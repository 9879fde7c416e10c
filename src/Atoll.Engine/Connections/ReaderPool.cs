using System.Collections.Concurrent;

namespace Atoll.Engine.Connections;

/// <summary>Read-only connections to one database file, opened on demand up to a fixed count.</summary>
internal sealed class ReaderPool(string path, EngineOptions options, CommitState state) : IDisposable
{
    readonly ConcurrentBag<Connection> _idle = [];
    readonly SemaphoreSlim _slots = new(options.ReaderCount, options.ReaderCount);
    readonly ConcurrentBag<Connection> _all = [];
    volatile bool _disposed;

    public Connection Rent(CancellationToken cancellation)
    {
        _slots.Wait(cancellation);
        ObjectDisposedException.ThrowIf(_disposed, this);
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
        _all.Add(connection);
        return connection;
    }

    public void Return(Connection connection)
    {
        _idle.Add(connection);
        _slots.Release();
    }

    /// <summary>Closes idle readers; called when the database is closed, with no reads in flight.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var connection in _all) connection.Dispose();
        _all.Clear();
        _idle.Clear();
    }
}
