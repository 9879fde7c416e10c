using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace Atoll.Engine.ChangeLog;

/// <summary>
/// <c>sqlite3_wal_hook</c> on the writer connection, through P/Invoke (SQLitePCLRaw does not wrap it): SQLite calls it
/// after every commit with the number of frames now in the WAL. Registering it also turns auto-checkpoint off, so
/// frames stay in the WAL until the change log has captured them and checkpoints itself.
/// </summary>
internal sealed unsafe partial class WalHook : IDisposable
{
    GCHandle _self;

    /// <summary>Frames in the WAL after the last commit, as SQLite reported them.</summary>
    public int Frames { get; private set; }

    /// <summary>Increments on every commit, so a capture can tell whether one happened.</summary>
    public long Commits { get; private set; }

    public void Install(sqlite3 db)
    {
        _self = GCHandle.Alloc(this);
        _ = WalHookNative(db.DangerousGetHandle(), &OnCommit, GCHandle.ToIntPtr(_self));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    static int OnCommit(IntPtr self, IntPtr db, IntPtr databaseName, int frames)
    {
        var hook = (WalHook)GCHandle.FromIntPtr(self).Target!;
        hook.Frames = frames;
        hook.Commits++;
        return 0;
    }

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_wal_hook")]
    private static partial IntPtr WalHookNative(IntPtr db, delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, int, int> callback, IntPtr argument);

    public void Dispose()
    {
        if (_self.IsAllocated) _self.Free();
    }
}
