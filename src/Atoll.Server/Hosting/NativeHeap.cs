using System.Runtime.InteropServices;

namespace Atoll.Server.Hosting;

/// <summary>
/// Gives freed native memory back to the OS after databases close. SQLite frees a closed connection's page cache
/// and lookaside into glibc's heap, which keeps it; without a trim, a server that once had thousands of databases
/// open stays that large while they sit idle.
/// </summary>
internal static partial class NativeHeap
{
    static long _lastTrim;

    /// <summary>Trims glibc's heap, at most once per <paramref name="interval"/>; a no-op where glibc is absent.</summary>
    public static void TrimSoon(TimeSpan interval)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastTrim);
        if (now - last < interval.TotalMilliseconds || Interlocked.CompareExchange(ref _lastTrim, now, last) != last) return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(interval); // let the rest of a collection pass close first
            try
            {
                if (OperatingSystem.IsLinux()) MallocTrim(0);
            }
            catch (DllNotFoundException) { }
            catch (EntryPointNotFoundException) { }
        });
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
