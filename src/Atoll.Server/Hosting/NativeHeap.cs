using System.Runtime.InteropServices;

namespace Atoll.Server.Hosting;

/// <summary>
/// Gives memory back to the OS after databases close. SQLite frees a closed connection's page cache and lookaside into
/// glibc's heap, which keeps it; and the GC keeps the heap it grew while thousands of databases were open, because an
/// idle server allocates nothing that would make it collect. Without this pass a server that once had thousands of
/// databases open stays that large while they sit idle.
/// </summary>
internal static partial class NativeHeap
{
    /// <summary>The least time between two passes: a full compacting collection is not free.</summary>
    static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(10);

    /// <summary>Committed GC memory beyond the live heap that is worth a compacting collection to give back.</summary>
    const long WastedBytesWorthCompacting = 32 << 20;

    /// <summary>Closes since the last pass that make a compacting collection worth it whatever the last GC's figures say.</summary>
    const int ClosesWorthCompacting = 64;

    static int _scheduled;
    static int _closedSinceLastPass;
    static long _lastPassMs = long.MinValue / 2;

    /// <summary>
    /// Schedules one pass <paramref name="delay"/> from now (so the rest of a collection wave closes first), or when the
    /// last pass is <see cref="MinInterval"/> old; closes meanwhile join that pass, and closes after it start the next.
    /// </summary>
    public static void TrimSoon(TimeSpan delay)
    {
        Interlocked.Increment(ref _closedSinceLastPass);
        if (Interlocked.Exchange(ref _scheduled, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            var sinceLastMs = Environment.TickCount64 - Interlocked.Read(ref _lastPassMs);
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max((long)delay.TotalMilliseconds, (long)MinInterval.TotalMilliseconds - sinceLastMs)));
            Volatile.Write(ref _scheduled, 0);
            Trim();
            Interlocked.Exchange(ref _lastPassMs, Environment.TickCount64);
        });
    }

    static void Trim()
    {
        // A wave of closes, or most of what is committed unused as of the last GC (whose figures predate the closes that
        // came after it, hence the count); not a busy server whose heap is simply large.
        var closed = Interlocked.Exchange(ref _closedSinceLastPass, 0);
        var gc = GC.GetGCMemoryInfo();
        var live = gc.HeapSizeBytes - gc.FragmentedBytes;
        var unused = gc.TotalCommittedBytes - live;
        if (closed >= ClosesWorthCompacting || (unused > WastedBytesWorthCompacting && unused > live))
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true); // also decommits what it freed
        try
        {
            if (OperatingSystem.IsLinux()) MallocTrim(0);
        }
        catch (DllNotFoundException) { }
        catch (EntryPointNotFoundException) { }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
