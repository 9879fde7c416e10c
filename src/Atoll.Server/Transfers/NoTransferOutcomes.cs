namespace Atoll.Server.Transfers;

/// <summary>One node's outcomes: none kept, since its job grains outlive every poll that can reach them (<see cref="ITransferOutcomes"/>).</summary>
public sealed class NoTransferOutcomes : ITransferOutcomes
{
    public Task SaveAsync(TransferOutcome outcome, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<TransferOutcome?> FindAsync(string key, string atBookmark, CancellationToken cancellationToken = default)
        => Task.FromResult<TransferOutcome?>(null);
}
