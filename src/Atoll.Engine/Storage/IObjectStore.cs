namespace Atoll.Engine.Storage;

/// <summary>
/// Where change-log entries and snapshots are kept beyond the local disk: a folder (the embedded default) or an
/// S3-compatible bucket. Keys are relative paths with '/' separators.
/// </summary>
public interface IObjectStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing any object there; durable once it returns.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="key"/> only if no object is there, atomically: of two
    /// owners creating one key at once exactly one succeeds. Durable once it returns true; false when the key existed.
    /// </summary>
    /// <remarks>The fence of the change log: a sequence is published once, by one owner.</remarks>
    Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens the object for reading; null when there is no object with that key.</summary>
    Task<Stream?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The keys that start with <paramref name="prefix"/>, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object; deleting a missing key is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);
}
