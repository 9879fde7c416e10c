using Atoll.Engine.Storage;

namespace Atoll.Engine.Snapshots;

/// <summary>
/// Full copies of a database at a sequence number: <c>snapshots/&lt;sequence&gt;.db</c> in the database's folder, and
/// <c>&lt;prefix&gt;snapshots/&lt;sequence&gt;.db</c> in the object store when there is one.
/// </summary>
internal sealed class SnapshotStore(string folder, IObjectStore? store, string prefix)
{
    public string Folder { get; } = folder;

    public string LocalPath(long sequence) => Path.Combine(Folder, $"{sequence:x16}.db");

    public string Key(long sequence) => $"{prefix}snapshots/{sequence:x16}.db";

    /// <summary>Copies <paramref name="source"/> in as the snapshot at <paramref name="sequence"/> (temp name, fsync, rename).</summary>
    public string SaveLocal(long sequence, string source)
    {
        Directory.CreateDirectory(Folder);
        var path = LocalPath(sequence);
        var temp = path + ".tmp";
        // File.Copy lets the kernel copy (copy_file_range): no pass through a user-space buffer.
        File.Copy(source, temp, overwrite: true);
        using (var output = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1))
            output.Flush(flushToDisk: true);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>Writes the snapshot at <paramref name="sequence"/> to <paramref name="output"/> (not synced), from the local disk when it is there.</summary>
    public async Task CopyToAsync(long sequence, string output, CancellationToken cancellationToken)
    {
        if (File.Exists(LocalPath(sequence)))
        {
            File.Copy(LocalPath(sequence), output, overwrite: true);
            return;
        }
        await using var snapshot = await OpenAsync(sequence, cancellationToken).ConfigureAwait(false);
        await using var file = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await snapshot.CopyToAsync(file, 1 << 20, cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyList<long> Local()
        => !Directory.Exists(Folder) ? [] : [.. Directory.GetFiles(Folder, "*.db").Select(f => Convert.ToInt64(Path.GetFileNameWithoutExtension(f), 16)).Order()];

    public async Task<IReadOnlyList<long>> RemoteAsync(CancellationToken cancellationToken)
    {
        if (store is null) return [];
        var keys = await store.ListAsync($"{prefix}snapshots/", cancellationToken).ConfigureAwait(false);
        return [.. keys.Select(k => Convert.ToInt64(Path.GetFileNameWithoutExtension(k), 16)).Order()];
    }

    /// <summary>Opens the snapshot, from the local disk when it is there, else from the object store.</summary>
    public async Task<Stream> OpenAsync(long sequence, CancellationToken cancellationToken)
    {
        var path = LocalPath(sequence);
        if (File.Exists(path)) return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        return (store is null ? null : await store.GetAsync(Key(sequence), cancellationToken).ConfigureAwait(false))
            ?? throw new FileNotFoundException($"snapshot {sequence} is gone");
    }

    /// <summary>Opens the local snapshot for reading; null when it is gone (expired meanwhile).</summary>
    public FileStream? OpenLocal(long sequence)
    {
        try
        {
            return new FileStream(LocalPath(sequence), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public void DeleteLocalBefore(long sequence)
    {
        foreach (var s in Local().Where(s => s < sequence)) File.Delete(LocalPath(s));
    }
}
