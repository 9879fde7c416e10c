using System.Data.Common;

namespace Atoll.Server.Transfers;

/// <summary>
/// A client's poll of a job, from whichever node it reached to the one running the job; when the job's grain is gone (its
/// node left or died), the outcome kept when it finished (<see cref="ITransferOutcomes"/>) answers.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class TransferPolls(ITransferOutcomes outcomes, NodeFiles files, ILogger<TransferPolls> logger)
{
    /// <summary>
    /// The job's answer; D1's polling failure (<see cref="TransferJob.PollingFailure"/>) with <paramref name="none"/> when no
    /// job started at <paramref name="atBookmark"/> is known — never heard of, or gone with its node before it finished — or
    /// when the node running it cannot be reached and it left no outcome.
    /// </summary>
    public async Task<IResult> PollAsync(ITransferJobGrain job, string atBookmark, string none, CancellationToken cancellationToken)
    {
        var gone = "";
        try
        {
            if (await job.Poll(atBookmark, cancellationToken) is { } answer) return answer.ToResult();
        }
        catch (Exception ex) when (ex is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            // Its node is going away (the cluster has not yet declared it dead): the job goes with it unless it finished.
            gone = $" The node that ran it left the cluster ({ex.GetType().Name}): start again.";
        }
        return await KeptAsync(job.GetPrimaryKeyString(), atBookmark, cancellationToken) ?? TransferJob.PollingFailure(none + gone);
    }

    /// <summary>The kept outcome of a job whose grain is gone; null when none is kept.</summary>
    async Task<IResult?> KeptAsync(string key, string atBookmark, CancellationToken cancellationToken)
    {
        TransferOutcome? outcome;
        try
        {
            outcome = await outcomes.FindAsync(key, atBookmark, cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not read the kept outcome of job {Key}", key);
            return null;
        }
        if (outcome is null) return null;
        // An export's file is handed to another node when its node drains; one that crashed (or could not hand it over in
        // time) took it along, and the signed URL would only answer 404: say so now, while the client can start again.
        if (outcome.File is { } file && await files.FindAsync(file) is null)
            return TransferJob.PollingFailure($"The {outcome.Type} finished on node {outcome.Node}, but its file {Path.GetFileName(file)} went with "
                + $"that node, which left the cluster: start the {outcome.Type} again.");
        return TransferJob.Answer(outcome).ToResult();
    }
}
