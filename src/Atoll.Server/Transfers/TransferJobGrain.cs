using Atoll.Engine;
using Atoll.Server.Cluster;
using Orleans.Concurrency;

namespace Atoll.Server.Transfers;

/// <summary>
/// Runs one transfer job and answers its polls. Placed on the node whose request started it (the job's files are written
/// there) unless that node is leaving (<see cref="RequestNodePlacementAttribute"/>), and reached from every other node
/// through Orleans. A finished job's outcome is kept (<see cref="ITransferOutcomes"/>) for the polls that come after its node left.
/// </summary>
/// <remarks>
/// Reentrant: polls wait on the job (<see cref="TransferJob"/> is thread-safe), never on one another. The activation is
/// kept while the job's signed URLs last, as finished jobs always were. A drain waits for the job (<see cref="NodeDrain"/>);
/// when its node dies the running job dies with it.
/// </remarks>
[Reentrant, RequestNodePlacement]
public sealed class TransferJobGrain(TransferServices services, ITransferOutcomes outcomes, NodeTransferJobs here, DrainingNodes draining,
    ILocalSiloDetails local, ILogger<TransferJobGrain> logger) : Grain, ITransferJobGrain
{
    TransferJob? _job;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (draining.StepsAside)
        {
            // This node is leaving: the requests waiting for this activation are placed on another node, unrun.
            draining.SteppedAside();
            DeactivateOnIdle();
            return Task.CompletedTask;
        }
        here.Activated(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        here.Deactivated(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<TransferAnswer> Start(TransferWork work, CancellationToken cancellationToken)
    {
        if (_job is not { } job || !work.Joins(job))
        {
            var atBookmark = await work.BookmarkAsync(GrainFactory);
            // Another start may have begun one while this waited.
            job = _job is { } started && work.Joins(started) ? started : Run(work, atBookmark);
        }
        return await job.PollAsync(cancellationToken);
    }

    public async Task<TransferAnswer?> Poll(string atBookmark, CancellationToken cancellationToken)
        => _job is { } job && job.AtBookmark == atBookmark ? await job.PollAsync(cancellationToken) : null;

    public Task StepAside()
    {
        // A running job finishes here first (the drain waits for it), then steps aside (RunAsync).
        if (_job is not { FinishedAt: null }) DeactivateOnIdle();
        return Task.CompletedTask;
    }

    TransferJob Run(TransferWork work, string atBookmark)
    {
        var job = new TransferJob(work.Type, this.GetPrimaryKeyString(), atBookmark);
        _job = job;
        DelayDeactivation(TransferSigner.Lifetime);
        here.Started(job.Key);
        logger.LogInformation("Started {Type} job {Key} at {Bookmark}", job.Type, job.Key, atBookmark);
        _ = RunAsync(work, job);
        return job;
    }

    async Task RunAsync(TransferWork work, TransferJob job)
    {
        try
        {
            await work.RunAsync(job, services);
        }
        catch (D1Exception ex)
        {
            job.Fail(ex.Message); // e.g. the database was deleted meanwhile
        }
        catch (Exception ex)
        {
            var reference = Guid.NewGuid().ToString("N");
            logger.LogError(ex, "{Type} failed; reference = {Reference}", job.Type, reference);
            job.Fail($"internal error; reference = {reference}");
        }
        await RecordAsync(job);
        here.Finished(job.Key);
        // Finished on a leaving node: polls from now on are answered from the record, through another node.
        if (draining.StepsAside) DeactivateOnIdle();
    }

    /// <summary>Keeps the finished job's outcome for polls that come after this node left; a best effort (the job itself answers meanwhile).</summary>
    async Task RecordAsync(TransferJob job)
    {
        try
        {
            await outcomes.SaveAsync(job.Outcome(local.Name)!);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or IOException)
        {
            logger.LogWarning(ex, "Could not record the outcome of {Type} job {Key}: once this node leaves, its polls answer that it is gone", job.Type, job.Key);
        }
    }
}
