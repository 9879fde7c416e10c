using System.Runtime.InteropServices;

namespace Atoll.Engine.Connections;

/// <summary>e_sqlite3 entry points that SQLitePCLRaw does not wrap.</summary>
internal static partial class NativeMethods
{
    const string Library = "e_sqlite3";

    /// <summary>Byte offset of the token that caused the last error, or -1 (SQLite 3.38+).</summary>
    [LibraryImport(Library, EntryPoint = "sqlite3_error_offset")]
    internal static partial int ErrorOffset(IntPtr db);

    /// <summary>1 when the NUL-terminated text ends with a complete statement (a semicolon outside strings, comments and trigger bodies).</summary>
    [LibraryImport(Library, EntryPoint = "sqlite3_complete")]
    internal static unsafe partial int Complete(byte* sql);
}
