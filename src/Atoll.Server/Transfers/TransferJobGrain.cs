using Atoll.Engine;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Atoll.Server.Transfers;

/// <summary>
/// Runs one transfer job and answers its polls. Placed on the node whose request started it (the job's files are written
/// there), and reached from every other node through Orleans.
/// </summary>
/// <remarks>
/// Reentrant: polls wait on the job (<see cref="TransferJob"/> is thread-safe), never on one another. The activation is
/// kept while the job's signed URLs last, as finished jobs always were; when its node dies the job dies with it.
/// </remarks>
[Reentrant, PreferLocalPlacement]
public sealed class TransferJobGrain(TransferFiles files, NodeFiles nodeFiles, TransferSigner signer, ILogger<TransferJobGrain> logger)
    : Grain, ITransferJobGrain
{
    TransferJob? _job;

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

    TransferJob Run(TransferWork work, string atBookmark)
    {
        var job = new TransferJob(work.Type, this.GetPrimaryKeyString(), atBookmark);
        _job = job;
        DelayDeactivation(TransferSigner.Lifetime);
        _ = RunAsync(work, job);
        return job;
    }

    async Task RunAsync(TransferWork work, TransferJob job)
    {
        try
        {
            await work.RunAsync(job, new TransferServices(GrainFactory, files, nodeFiles, signer));
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
    }
}
