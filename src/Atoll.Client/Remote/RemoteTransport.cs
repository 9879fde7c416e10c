using Atoll.Client.Protocol;
using Atoll.Client.Transport;

namespace Atoll.Client.Remote;

/// <summary>Runs requests on an Atoll server through its REST <c>/raw</c> endpoint (columns and rows, integers exact to 64 bits).</summary>
internal sealed class RemoteTransport(RemoteConnection connection, RemoteAdmin admin, string database, bool createIfMissing, bool ownsConnection)
    : ID1Transport
{
    volatile bool _ensured;

    public async Task<TransportReply> SendAsync(TransportRequest request, CancellationToken cancellationToken)
    {
        var body = QueryBody.Write(request.Statements, request.IsBatch);
        // D1 retries only queries that cannot have written anything; Atoll's SDK may retry a write too, under a key that
        // makes the server answer a resend from the first run (one key per write, the same for each of its resends).
        var read = request.Statements.Count > 0 && request.Statements.All(s => SqlText.IsReadOnlyQuery(s.Sql));
        var key = !read && connection.RetryWrites ? Guid.NewGuid().ToString("N") : null;
        try
        {
            return await QueryAsync(request, body, read || key is not null, key, cancellationToken).ConfigureAwait(false);
        }
        catch (D1Exception ex) when (ex.ApiCode == 7404 && createIfMissing && !_ensured)
        {
            await admin.EnsureAsync(database, cancellationToken).ConfigureAwait(false);
            _ensured = true;
            return await QueryAsync(request, body, read || key is not null, key, cancellationToken).ConfigureAwait(false);
        }
    }

    async Task<TransportReply> QueryAsync(TransportRequest request, byte[] body, bool retry, string? key, CancellationToken cancellationToken)
    {
        var path = $"{await connection.DatabasesPathAsync(cancellationToken).ConfigureAwait(false)}/{Uri.EscapeDataString(database)}/raw";
        var response = await connection.SendAsync(HttpMethod.Post, path, body, retry, cancellationToken, request.Session, key).ConfigureAwait(false);
        var items = Envelope.ReadResults(response, connection.Source);
        return new TransportReply(ResultGrouping.LastOfEach(request.Statements, items), response.Bookmark);
    }

    public void Dispose()
    {
        if (ownsConnection) connection.Dispose();
    }
}
