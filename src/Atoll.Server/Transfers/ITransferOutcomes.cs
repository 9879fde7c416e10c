namespace Atoll.Server.Transfers;

/// <summary>
/// Where finished transfer jobs' outcomes are kept for <see cref="Retention"/>, so a poll through any node answers a job
/// whose grain went with its node (<see cref="TransferPolls"/>). In a cluster they are in PostgreSQL
/// (<see cref="Cluster.PostgresTransferOutcomes"/>); one node keeps none (<see cref="NoTransferOutcomes"/>): its job grains
/// answer for as long as the outcome is wanted, and go only when the node stops.
/// </summary>
public interface ITransferOutcomes
{
    /// <summary>How long an outcome is kept: as long as the signed URLs it hands out are good.</summary>
    static TimeSpan Retention => TransferSigner.Lifetime;

    /// <summary>Keeps <paramref name="outcome"/>, replacing one of the same key and bookmark; idempotent.</summary>
    Task SaveAsync(TransferOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>The outcome of the job <paramref name="key"/> started at <paramref name="atBookmark"/>; null when none is kept (or it expired).</summary>
    Task<TransferOutcome?> FindAsync(string key, string atBookmark, CancellationToken cancellationToken = default);
}
