using Atoll.Engine.Connections;
using SQLitePCL;

namespace Atoll.Engine.Execution;

/// <summary>
/// Prepares the first statement of what is left of a SQL text. Every loop that walks a text statement by statement
/// (requests, import scripts) goes through here, so each step either consumes bytes or fails: SQLite stops parsing at
/// a NUL byte and hands back no statement and no progress, which would otherwise loop forever.
/// </summary>
internal static class SqlTail
{
    /// <summary>
    /// Prepares the next statement of <paramref name="remaining"/>; returns the bytes consumed (always more than zero).
    /// <paramref name="handle"/> is null when those bytes held only a comment or a semicolon.
    /// </summary>
    /// <param name="connection">The connection to prepare on.</param>
    /// <param name="remaining">The rest of the text; not blank.</param>
    /// <param name="offsetBase">Where <paramref name="remaining"/> starts within the whole text, for error offsets.</param>
    /// <param name="handle">The prepared statement, owned by the caller.</param>
    /// <exception cref="D1Exception">SQLite refused the statement, or the text holds a NUL byte.</exception>
    public static int PrepareNext(Connection connection, ReadOnlySpan<byte> remaining, int offsetBase, out sqlite3_stmt? handle)
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle, remaining, out var statement, out var tail);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            throw ErrorFactory.FromConnection(connection, rc, offsetBase: offsetBase);
        }
        var consumed = remaining.Length - tail.Length;
        var empty = statement is null || statement.IsInvalid;
        // SQLite ends its input at a NUL: an empty statement that stops there makes no progress past it.
        if (empty && (consumed == 0 || (tail.Length > 0 && tail[0] == 0)))
        {
            statement?.Dispose();
            throw ErrorFactory.Sql(ErrorFactory.NoStatementInText); // D1's answer (miniflare: "SELECT 1\0", "\0")
        }
        if (empty)
        {
            statement?.Dispose();
            handle = null;
        }
        else
        {
            handle = statement;
        }
        return consumed;
    }
}
