using Atoll.Engine.Connections;
using SQLitePCL;

namespace Atoll.Engine.Execution;

/// <summary>Builds D1's error texts: <c>&lt;sqlite message&gt;[ at offset N]: SQLITE_&lt;CODE&gt;[ (extended: SQLITE_&lt;EXT&gt;)]</c>.</summary>
internal static class ErrorFactory
{
    internal const string NoStatements = "No SQL statements detected.";
    internal const string NoStatementInText = "SQL code did not contain a statement.";
    internal const string WrongParameterCount = "Wrong number of parameter bindings for SQL query.";
    internal const string ParametersOnlyInLast =
        "When executing multiple SQL statements in a single call, only the last statement can have parameters.";
    internal const string ReadOnlyToken = "not authorized to write: this API token may only read";

    /// <summary>The error SQLite reported on <paramref name="connection"/>, in D1's words.</summary>
    /// <param name="connection">The connection the error happened on.</param>
    /// <param name="rc">The result code that the failing call returned.</param>
    /// <param name="message">A message SQLite handed back directly (from <c>sqlite3_exec</c>), if any.</param>
    /// <param name="offsetBase">Byte offset of the failing statement within the whole SQL text.</param>
    public static D1Exception FromConnection(Connection connection, int rc, string? message = null, int offsetBase = 0)
    {
        var db = connection.Handle;
        var extended = raw.sqlite3_extended_errcode(db);
        if ((extended & 0xFF) != (rc & 0xFF)) extended = rc;
        var primary = extended & 0xFF;
        var text = message ?? raw.sqlite3_errmsg(db).utf8_to_string();
        if (primary == raw.SQLITE_AUTH && connection.Authorizer.LastDenial is { } denial) text = denial;
        if (primary == raw.SQLITE_INTERRUPT && connection.InterruptReason is { } reason) text = reason;
        if (primary == raw.SQLITE_AUTH && connection.Authorizer.LastDenial == ReadOnlyToken)
            return new D1Exception(D1ErrorCode.Authentication, ReadOnlyToken, extended);
        var offset = NativeMethods.ErrorOffset(db.DangerousGetHandle());
        var at = offset >= 0 ? $" at offset {offset + offsetBase}" : "";
        var suffix = extended != primary ? $" (extended: {SqliteResultCodes.Name(extended)})" : "";
        return new D1Exception(D1ErrorCode.SqlError, $"{text}{at}: {SqliteResultCodes.Name(primary)}{suffix}", extended);
    }

    public static D1Exception Sql(string message) => new(D1ErrorCode.SqlError, message);
}
