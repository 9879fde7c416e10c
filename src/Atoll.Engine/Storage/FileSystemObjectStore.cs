namespace Atoll.Engine.Storage;

/// <summary>An object store in a local folder: each key is a file, written to a temp name, fsynced and renamed into place.</summary>
public sealed class FileSystemObjectStore(string root) : IObjectStore
{
    /// <summary>The folder holding the objects.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <inheritdoc/>
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        File.Move(await WriteTempAsync(path, content, cancellationToken).ConfigureAwait(false), path, overwrite: true);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The object is written whole under a temp name first, then linked into place without overwriting (.NET's
    /// no-overwrite move is link(2) + unlink on Unix): the name appears complete or not at all, and of two creators
    /// the kernel lets exactly one link succeed.
    /// </remarks>
    public async Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (File.Exists(path)) return false;
        var temp = await WriteTempAsync(path, content, cancellationToken).ConfigureAwait(false);
        try
        {
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    static async Task<string> WriteTempAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        return temp;
    }

    /// <inheritdoc/>
    public Task<Stream?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        return Task.FromResult<Stream?>(File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, useAsync: true)
            : null);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetDirectoryName(PathOf(prefix + "x"))!;
        if (!Directory.Exists(directory)) return Task.FromResult<IReadOnlyList<string>>([]);
        IReadOnlyList<string> keys = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(keys);
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    string PathOf(string key)
    {
        if (key.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(key)) throw new ArgumentException($"invalid object key '{key}'", nameof(key));
        return Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
