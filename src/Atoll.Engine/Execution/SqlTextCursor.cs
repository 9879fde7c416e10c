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
            if (connection.IsReader && SqlText.StartsWithKeyword(remaining, "PRAGMA"u8))
            {
                _done = true;
                statement = new PreparedStatement(null!, null, _position, IsLast: true, IsPragma: true);
                return true;
            }
            var rc = raw.sqlite3_prepare_v2(connection.Handle, remaining, out var handle, out var tail);
            if (rc != raw.SQLITE_OK)
            {
                handle?.Dispose();
                _done = true;
                throw ErrorFactory.FromConnection(connection, rc, offsetBase: _position);
            }
            var start = _position;
            _position = _utf8.Length - tail.Length;
            if (handle is null || handle.IsInvalid)
            {
                handle?.Dispose();
                continue; // only a comment or a lone semicolon before the next statement
            }
            var isLast = SqlText.IsBlank(tail);
            var isPragma = SqlText.StartsWithKeyword(remaining[..(_position - start)], "PRAGMA"u8);
            CachedStatement? entry = null;
            if (isLast && start == 0 && connection.Statements.Capacity > 0) entry = new CachedStatement(sql, handle, isPragma);
            _done = isLast;
            statement = new PreparedStatement(handle, entry, start, isLast, isPragma);
            return true;
        }
    }

    /// <summary>True when the text was empty or held only comments.</summary>
    public readonly bool WasBlank => _position == 0 && _done;
}
