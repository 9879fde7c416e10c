using Atoll.Server.Api;

namespace Atoll.Server.Transfers;

/// <summary>
/// A job's polling answer as it crosses from the node running the job (<see cref="TransferJobGrain"/>) to the node the
/// client reached: the HTTP status (202 while active, 200 once finished) and the envelope's <c>result</c>, already JSON.
/// </summary>
[GenerateSerializer, Immutable, Alias("atoll.transfer-answer")]
public sealed record TransferAnswer([property: Id(0)] int Status, [property: Id(1)] byte[] Result)
{
    /// <summary>The answer as the client gets it, in D1's envelope.</summary>
    public IResult ToResult() => Envelope.Ok(json => json.WriteRawValue(Result, skipInputValidation: true), Status);
}
