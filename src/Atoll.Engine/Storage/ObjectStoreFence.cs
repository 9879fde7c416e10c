namespace Atoll.Engine.Storage;

/// <summary>
/// Fencing on an object store with an atomic create-if-absent (<see cref="IObjectStore.PutIfAbsentAsync"/>): epochs are
/// claimed by creating <c>&lt;prefix&gt;owners/&lt;epoch&gt;</c>, and each entry key is created once — of two owners
/// publishing one sequence, exactly one succeeds.
/// </summary>
public sealed class ObjectStoreFence(IObjectStore store) : IOwnershipFence
{
    /// <inheritdoc/>
    public async Task<long> ClaimAsync(string prefix, CancellationToken cancellationToken)
    {
        var claimed = await store.ListAsync($"{prefix}owners/", cancellationToken).ConfigureAwait(false);
        var epoch = claimed.Select(k => Convert.ToInt64(k[(k.LastIndexOf('/') + 1)..], 16)).DefaultIfEmpty(0).Max() + 1;
        while (true)
        {
            using var empty = new MemoryStream([]);
            if (await store.PutIfAbsentAsync($"{prefix}owners/{epoch:x16}", empty, cancellationToken).ConfigureAwait(false)) break;
            epoch++; // another owner claimed it between our list and our create
        }
        // Older claims are spent (fencing is per sequence); the newest one keeps the next claim above it.
        foreach (var key in claimed) await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        return epoch;
    }

    /// <inheritdoc/>
    public async Task<bool> PublishAsync(string key, ReadOnlyMemory<byte> entry, long epoch, CancellationToken cancellationToken)
    {
        await using var content = new MemoryStream(entry.ToArray(), writable: false);
        if (await store.PutIfAbsentAsync(key, content, cancellationToken).ConfigureAwait(false)) return true;
        // Ours already, when an earlier try created it but its answer was lost.
        await using var existing = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (existing is null) return false;
        using var bytes = new MemoryStream();
        await existing.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
        return bytes.GetBuffer().AsSpan(0, (int)bytes.Length).SequenceEqual(entry.Span);
    }
}
