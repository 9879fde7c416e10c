namespace Atoll.Engine.Storage;

/// <summary>
/// Decides which owner of a database may publish its history. An owner claims an epoch (higher than every epoch claimed
/// before) and publishes each log entry under it; a publish fails once another owner has published that sequence, and
/// the owner that fails stops: its unacknowledged commits are never acknowledged. The single-node implementation is
/// <see cref="ObjectStoreFence"/> (conditional creates in the object store); a cluster supplies a shared one.
/// </summary>
public interface IOwnershipFence
{
    /// <summary>Claims the history under <paramref name="prefix"/>: returns a new epoch, higher than any claimed before.</summary>
    Task<long> ClaimAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes <paramref name="entry"/> (an encoded log entry) under <paramref name="key"/> for the owner of
    /// <paramref name="epoch"/>. True when it is now there (a retry of the same bytes counts); false when another owner
    /// published that key first.
    /// </summary>
    Task<bool> PublishAsync(string key, ReadOnlyMemory<byte> entry, long epoch, CancellationToken cancellationToken);
}
