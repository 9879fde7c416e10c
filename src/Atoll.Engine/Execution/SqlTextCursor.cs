using System.Text;
using Atoll.Engine.Connections;
using SQLitePCL;

namespace Atoll.Engine.Execution;

/// <summary>
/// Walks a SQL text one statement at a time with SQLite's own tail parsing, so trigger bodies and
/// semicolons inside strings survive. A text holding exactly one statement comes from, and returns to,
/// the connection's statement cache.
/// </summary>
internal struct SqlTextCursor(Connection connection, string sql)
{
    byte[]? _utf8;
    int _position;
    bool _done;

    public readonly string Sql => sql;

    /// <summary>Prepares the next statement; false when the text holds no more.</summary>
    public bool Next(out PreparedStatement statement)
    {
        statement = default;
        if (_done) return false;
        if (_utf8 is null && connection.Statements.Rent(sql) is { } cached)
        {
            _done = true;
            statement = new PreparedStatement(cached.Handle, cached, 0, IsLast: true, cached.IsPragma);
            return true;
        }
        _utf8 ??= Encoding.UTF8.GetBytes(sql);
        if (_utf8.Length > connection.Options.MaxSqlLength)
            throw ErrorFactory.Sql($"statement too long: SQL is {_utf8.Length} bytes, the limit is {connection.Options.MaxSqlLength}: SQLITE_TOOBIG");
        while (true)
        {
            var remaining = _utf8.AsSpan(_position);
            if (SqlText.IsBlank(remaining))
            {
                _done = true;
                return false;
            }
            // Some PRAGMAs take effect while being prepared: never let one near a reader connection.
            // A read-only request's reader prepares them: its authorizer refuses every PRAGMA that sets something.
            if (connection.IsReader && !connection.Authorizer.ReadOnly && SqlText.StartsWithKeyword(remaining, "PRAGMA"u8))
            {
                _done = true;
                statement = new PreparedStatement(null!, null, _position, IsLast: true, IsPragma: true);
                return true;
            }
            var start = _position;
            var flagsBefore = connection.Authorizer.Flags;
            sqlite3_stmt? handle;
            try
            {
                _position += SqlTail.PrepareNext(connection, remaining, start, out handle);
            }
            catch
            {
                _done = true;
                throw;
            }
            if (handle is null) continue; // only a comment or a lone semicolon before the next statement
            var tail = _utf8.AsSpan(_position);
            var isLast = SqlText.IsBlank(tail);
            var isPragma = SqlText.StartsWithKeyword(remaining[..(_position - start)], "PRAGMA"u8);
            CachedStatement? entry = null;
            // A statement the authorizer flagged (a setting, a rename) is not cached: a cached run would skip the authorizer and its flag.
            if (isLast && start == 0 && connection.Statements.Capacity > 0 && connection.Authorizer.Flags == flagsBefore) entry = new CachedStatement(sql, handle, isPragma);
            _done = isLast;
            statement = new PreparedStatement(handle, entry, start, isLast, isPragma);
            return true;
        }
    }

    /// <summary>True when the text was empty or held only comments.</summary>
    public readonly bool WasBlank => _position == 0 && _done;
}
