namespace Atoll.Server.Hosting;

/// <summary>
/// An advisory lock on a data directory, held for the server's life: <c>&lt;data&gt;/lock</c> opened exclusively
/// (<c>flock</c> on Unix), so a second server on the same directory — two writers on one change log — cannot start.
/// The operating system drops the lock when the process ends, however it ends.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    readonly FileStream _file;

    DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>Takes the lock on <paramref name="dataDirectory"/>, creating the directory if needed.</summary>
    /// <exception cref="DataDirectoryInUseException">Another process (or another server in this one) holds it.</exception>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "lock");
        try
        {
            return new DataDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new DataDirectoryInUseException(dataDirectory, ex);
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _file.Dispose();
}
