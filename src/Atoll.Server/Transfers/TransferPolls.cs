namespace Atoll.Server.Transfers;

/// <summary>A client's poll of a job, from whichever node it reached to the one running the job.</summary>
public static class TransferPolls
{
    /// <summary>
    /// The job's answer; D1's polling failure (<see cref="TransferJob.PollingFailure"/>) with <paramref name="none"/> when no
    /// job started at <paramref name="atBookmark"/> is known — never heard of, or gone with its node — or when the node
    /// running it cannot be reached.
    /// </summary>
    public static async Task<IResult> PollAsync(ITransferJobGrain job, string atBookmark, string none, CancellationToken cancellationToken)
    {
        try
        {
            return (await job.Poll(atBookmark, cancellationToken))?.ToResult() ?? TransferJob.PollingFailure(none);
        }
        catch (Exception ex) when (ex is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            // Its node is going away (the cluster has not yet declared it dead): its job goes with it.
            return TransferJob.PollingFailure($"{none} The node that ran it left the cluster ({ex.GetType().Name}): start again.");
        }
    }
}
