namespace Atoll.Server.Transfers;

/// <summary>What a running <see cref="TransferWork"/> uses on the node that runs it.</summary>
public sealed record TransferServices(IGrainFactory Grains, TransferFiles Files, NodeFiles NodeFiles, TransferSigner Signer);
