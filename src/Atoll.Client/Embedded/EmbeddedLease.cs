using Atoll.Engine;

namespace Atoll.Client.Embedded;

/// <summary>A share of an open database file; disposing the last share closes the file.</summary>
internal sealed class EmbeddedLease(SharedDatabase shared) : IDisposable
{
    int _disposed;

    /// <exception cref="D1Exception">The database was deleted (API code 7404).</exception>
    public Database Database => shared.Deleted ? throw EmbeddedErrors.NotFound() : shared.Database;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) EmbeddedDatabases.Release(shared);
    }
}
