namespace Atoll.Client.Transport;

/// <summary>Carries statements to a database and brings back one result per SQL text (its last statement's, as D1's <c>prepare()</c>).</summary>
internal interface ID1Transport : IDisposable
{
    /// <summary>Runs the request atomically.</summary>
    /// <exception cref="D1Exception">The database reported an error, or could not be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<TransportReply> SendAsync(TransportRequest request, CancellationToken cancellationToken);
}
