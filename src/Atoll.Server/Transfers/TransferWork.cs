namespace Atoll.Server.Transfers;

/// <summary>What a transfer job does (an import, an export), sent to the grain that runs it (<see cref="ITransferJobGrain"/>).</summary>
[GenerateSerializer]
public abstract record TransferWork
{
    /// <summary><c>import</c> or <c>export</c>, as polls report it.</summary>
    public abstract string Type { get; }

    /// <summary>True when <paramref name="job"/>, the last one the grain ran, answers for this work instead of a new job.</summary>
    public abstract bool Joins(TransferJob job);

    /// <summary>The bookmark a new job starts at, which clients poll with.</summary>
    public abstract Task<string> BookmarkAsync(IGrainFactory grains);

    /// <summary>Runs the job to its end, reporting to <paramref name="job"/> and completing or failing it.</summary>
    public abstract Task RunAsync(TransferJob job, TransferServices services);
}
