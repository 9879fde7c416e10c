namespace Atoll.Server.Transfers;

/// <summary>
/// How a transfer job ended, kept past its grain (<see cref="ITransferOutcomes"/>) so a poll through any node answers it
/// after the node that ran the job has left.
/// </summary>
/// <param name="Key">The job grain's key (<see cref="TransferJob.Key"/>).</param>
/// <param name="AtBookmark">The bookmark clients poll with.</param>
/// <param name="Type"><c>import</c> or <c>export</c>.</param>
/// <param name="Node">The name of the node that ran it.</param>
/// <param name="Error">The error it failed with; null when it completed.</param>
/// <param name="Result">The answer's <c>result</c> object as JSON (null after an error).</param>
/// <param name="File">The file it left for the client (under <c>transfers/</c>: an export's); null when none.</param>
public sealed record TransferOutcome(string Key, string AtBookmark, string Type, string Node, string? Error, byte[]? Result, string? File);
