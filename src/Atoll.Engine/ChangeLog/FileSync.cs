using System.Runtime.InteropServices;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// Flushes a file's data to disk without its timestamps: <c>fdatasync</c> where the C library has it (as SQLite syncs
/// its WAL), a full flush elsewhere. For a file overwritten in place this skips the filesystem journal commit that an
/// <c>fsync</c> pays for the modification time, which is most of its cost.
/// </summary>
internal static unsafe class FileSync
{
    // Looked up once; glibc names its library libc.so.6 (a bare "libc.so" may be a linker script), musl and others "libc".
    static readonly delegate* unmanaged<int, int> FDataSync = Resolve();

    /// <summary>True when <see cref="Data"/> syncs data only (<c>fdatasync</c> was found).</summary>
    public static bool DataOnly => FDataSync is not null;

    /// <summary>Makes the bytes written to <paramref name="file"/> durable (not a change of its size: flush fully for that).</summary>
    public static void Data(FileStream file)
    {
        if (FDataSync is null)
        {
            file.Flush(flushToDisk: true);
            return;
        }
        var handle = file.SafeFileHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (FDataSync((int)handle.DangerousGetHandle()) != 0)
                throw new IOException($"fdatasync failed: {Marshal.GetLastSystemError()}", Marshal.GetLastSystemError());
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    static delegate* unmanaged<int, int> Resolve()
    {
        if (!OperatingSystem.IsLinux()) return null;
        foreach (var name in new[] { "libc.so.6", "libc" })
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "fdatasync", out var export))
                return (delegate* unmanaged<int, int>)export;
        return null;
    }
}
