namespace Atoll.Server.Transfers;

/// <summary>
/// One import or export that clients poll, keyed by what it works on (<see cref="Import.ImportWork.Key"/>,
/// <see cref="Export.ExportWork.Key"/>): whichever node a request reaches, Orleans routes it to the one activation that
/// runs the job, so init, ingest, export and every poll may each reach a different node.
/// </summary>
[Alias("atoll.transfer-job")]
public interface ITransferJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts <paramref name="work"/>, unless the job already here may answer for it (<see cref="TransferWork.Joins"/>), and
    /// answers as <see cref="TransferJob.PollAsync"/> does.
    /// </summary>
    [Alias("start")]
    Task<TransferAnswer> Start(TransferWork work, CancellationToken cancellationToken = default);

    /// <summary>The job's answer (a long poll) when the job here started at <paramref name="atBookmark"/>; null when there is none.</summary>
    /// <remarks>After the node running the job died, the job is gone: the grain answers from a new activation, with null.</remarks>
    [Alias("poll")]
    Task<TransferAnswer?> Poll(string atBookmark, CancellationToken cancellationToken = default);
}
