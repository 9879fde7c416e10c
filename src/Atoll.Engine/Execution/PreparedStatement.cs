using SQLitePCL;

namespace Atoll.Engine.Execution;

/// <summary>One statement prepared out of a SQL text: where it starts, whether it is the text's last, and its cache entry.</summary>
internal readonly record struct PreparedStatement(sqlite3_stmt Handle, CachedStatement? Cached, int Offset, bool IsLast, bool IsPragma)
{
    public bool IsReadOnly => raw.sqlite3_stmt_readonly(Handle) != 0;
}
