using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// Flushes a file's data to disk without its timestamps: <c>fdatasync</c> on Linux (as SQLite syncs its WAL), a full
/// flush elsewhere. For a file overwritten in place this skips the filesystem journal commit that an <c>fsync</c> pays
/// for the modification time, which is most of its cost.
/// </summary>
internal static partial class FileSync
{
    /// <summary>Makes the bytes written to <paramref name="file"/> durable (not a change of its size: flush fully for that).</summary>
    public static void Data(FileStream file)
    {
        if (!OperatingSystem.IsLinux())
        {
            file.Flush(flushToDisk: true);
            return;
        }
        if (FDataSync(file.SafeFileHandle) != 0)
            throw new IOException($"fdatasync failed: {Marshal.GetLastPInvokeErrorMessage()}", Marshal.GetLastPInvokeError());
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(SafeFileHandle fd);
}
