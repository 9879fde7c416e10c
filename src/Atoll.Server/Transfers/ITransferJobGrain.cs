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
    /// <remarks>
    /// After the node running the job left or died, the grain answers from a new activation, with null: the job's kept outcome
    /// answers then, if it finished (<see cref="TransferPolls"/>).
    /// </remarks>
    [Alias("poll")]
    Task<TransferAnswer?> Poll(string atBookmark, CancellationToken cancellationToken = default);

    /// <summary>
    /// Its node is leaving (<see cref="Cluster.NodeDrain"/>): the activation deactivates once its job is finished (at once
    /// when it is), so that later requests reach a new one on another node, and polls are answered from the kept outcome.
    /// </summary>
    [Alias("step-aside")]
    Task StepAside();
}
