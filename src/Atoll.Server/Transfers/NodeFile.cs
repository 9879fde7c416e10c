namespace Atoll.Server.Transfers;

/// <summary>
/// A file in one node's transfer folders: the node's silo and the file's name under <c>transfers/</c>
/// (<see cref="TransferFiles"/>). Any node reads it in parts through that node's grain (<see cref="NodeFiles"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("atoll.node-file")]
public sealed record NodeFile([property: Id(0)] SiloAddress Node, [property: Id(1)] string Name);
