using Atoll.Client.Protocol;
using Atoll.Client.Transport;
using Atoll.Engine;

namespace Atoll.Client.Embedded;

/// <summary>
/// Runs requests in-process on Atoll's engine. The engine is synchronous (SQLite is), so every call completes before it
/// returns and hands back an already-completed task; nothing is pushed to the thread pool to look asynchronous.
/// </summary>
/// <remarks>The database file is opened on first use, so a missing database fails the first query, as it does on a server.</remarks>
internal sealed class EmbeddedTransport(Func<EmbeddedLease> open) : ID1Transport
{
    readonly Lock _gate = new();
    EmbeddedLease? _lease;
    bool _disposed;

    public Task<TransportReply> SendAsync(TransportRequest request, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<TransportReply>(cancellationToken);
        EncodedResult result;
        try
        {
            result = Lease().Database.Execute(
                new QueryRequest(request.Statements, ResultShape.ColumnsAndRows, StatementResults.LastStatement) { TypedReals = true },
                cancellationToken);
        }
        catch (Atoll.Engine.D1Exception ex)
        {
            if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<TransportReply>(cancellationToken);
            return Task.FromException<TransportReply>(EmbeddedErrors.FromEngine(ex));
        }
        catch (D1Exception ex)
        {
            return Task.FromException<TransportReply>(ex);
        }
        return Task.FromResult(new TransportReply(ResultReader.ReadArray(result.Json), result.Bookmark.ToString()));
    }

    EmbeddedLease Lease()
    {
        if (_lease is { } lease) return lease;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _lease ??= open();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _lease?.Dispose();
        }
    }
}
