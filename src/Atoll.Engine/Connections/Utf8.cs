using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace Atoll.Engine.Connections;

/// <summary>Views of SQLite-owned UTF-8 strings as spans, without copying them into managed strings.</summary>
internal static unsafe class Utf8
{
    /// <summary>The bytes of a NUL-terminated SQLite string; empty when SQLite returned NULL.</summary>
    public static ReadOnlySpan<byte> Span(utf8z text)
    {
        var pointer = (byte*)Unsafe.AsPointer(ref Unsafe.AsRef(in text.GetPinnableReference()));
        return pointer == null ? default : MemoryMarshal.CreateReadOnlySpanFromNullTerminated(pointer);
    }

    /// <summary>True when SQLite returned a NULL pointer rather than a string.</summary>
    public static bool IsNull(utf8z text) => Unsafe.IsNullRef(in text.GetPinnableReference());

    /// <summary>The UTF-8 text of a result column (text first, then its length, as SQLite asks).</summary>
    public static ReadOnlySpan<byte> Column(sqlite3_stmt statement, int column)
    {
        var text = raw.sqlite3_column_text(statement, column);
        var pointer = (byte*)Unsafe.AsPointer(ref Unsafe.AsRef(in text.GetPinnableReference()));
        return pointer == null ? default : new ReadOnlySpan<byte>(pointer, raw.sqlite3_column_bytes(statement, column));
    }
}
