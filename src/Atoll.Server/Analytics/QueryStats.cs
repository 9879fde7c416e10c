using Atoll.Engine;
using Atoll.Server.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Analytics;

/// <summary>
/// Figures per database and hour — read and write queries, rows read and written — and per query text — runs, total
/// duration, rows read, written and returned — as <c>wrangler d1 info</c> and <c>d1 insights</c> show them. Grains record
/// into memory (one short lock); a timer adds the figures to <c>analytics.db</c> every few seconds, kept 31 days.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class QueryStats : IDisposable
{
    /// <summary>How long figures are kept, as D1's analytics retention.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(31);

    const string Schema = """
        CREATE TABLE IF NOT EXISTS hours(database_id TEXT NOT NULL, hour INTEGER NOT NULL, read_queries INTEGER NOT NULL,
            write_queries INTEGER NOT NULL, rows_read INTEGER NOT NULL, rows_written INTEGER NOT NULL, PRIMARY KEY(database_id, hour));
        CREATE TABLE IF NOT EXISTS queries(database_id TEXT NOT NULL, hour INTEGER NOT NULL, query TEXT NOT NULL, count INTEGER NOT NULL,
            duration_ms REAL NOT NULL, rows_read INTEGER NOT NULL, rows_written INTEGER NOT NULL, rows_returned INTEGER NOT NULL,
            PRIMARY KEY(database_id, hour, query));
        """;

    readonly Lock _gate = new();
    readonly Lock _store = new();
    readonly SqliteConnection _connection;
    readonly Timer _timer;
    Dictionary<(string Database, long Hour), HourFigures> _hours = [];
    Dictionary<(string Database, long Hour, string Query), QueryFigures> _queries = [];

    /// <summary>Opens (creating if needed) <c>analytics.db</c> in the data directory and starts the flush timer.</summary>
    public QueryStats(IOptions<AtollServerOptions> options)
    {
        var directory = Path.GetFullPath(options.Value.DataDirectory);
        Directory.CreateDirectory(directory);
        _connection = new SqliteConnection($"Data Source={Path.Combine(directory, "analytics.db")};Pooling=False");
        _connection.Open();
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + Schema);
        _timer = new Timer(_ => Flush(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    /// <summary>Records one successful request.</summary>
    public void Record(string databaseId, IReadOnlyList<Statement> statements, QueryTotals totals)
    {
        var query = statements.Count == 1 ? QueryText.Normalize(statements[0].Sql)
            : string.Join("; ", statements.Select(s => QueryText.Normalize(s.Sql)));
        Add(databaseId, query, 1, totals);
    }

    /// <summary>Records an import: its statements count as write queries under one <c>import</c> entry.</summary>
    public void RecordImport(string databaseId, long statements, QueryTotals totals) => Add(databaseId, "(import)", statements, totals);

    void Add(string databaseId, string query, long count, QueryTotals totals)
    {
        var hour = DateTime.UtcNow.Ticks / TimeSpan.TicksPerHour;
        lock (_gate)
        {
            if (!_hours.TryGetValue((databaseId, hour), out var figures)) _hours[(databaseId, hour)] = figures = new HourFigures();
            if (totals.ReadOnly) figures.ReadQueries += count;
            else figures.WriteQueries += count;
            figures.RowsRead += totals.RowsRead;
            figures.RowsWritten += totals.RowsWritten;
            if (!_queries.TryGetValue((databaseId, hour, query), out var perQuery)) _queries[(databaseId, hour, query)] = perQuery = new QueryFigures();
            perQuery.Count += count;
            perQuery.DurationMs += totals.DurationMs;
            perQuery.RowsRead += totals.RowsRead;
            perQuery.RowsWritten += totals.RowsWritten;
            perQuery.RowsReturned += totals.RowsReturned;
        }
    }

    /// <summary>Adds what was recorded since the last flush to <c>analytics.db</c> and drops figures past retention.</summary>
    public void Flush()
    {
        lock (_store)
        {
            Dictionary<(string, long), HourFigures> hours;
            Dictionary<(string, long, string), QueryFigures> queries;
            lock (_gate)
            {
                if (_hours.Count == 0 && _queries.Count == 0) return;
                (hours, _hours) = (_hours, []);
                (queries, _queries) = (_queries, []);
            }
            using var transaction = _connection.BeginTransaction();
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = """
                    INSERT INTO hours VALUES ($db, $hour, $r, $w, $rr, $rw) ON CONFLICT(database_id, hour) DO UPDATE SET
                    read_queries = read_queries + $r, write_queries = write_queries + $w, rows_read = rows_read + $rr, rows_written = rows_written + $rw
                    """;
                var (db, hour, r, w, rr, rw) = (command.Parameters.Add("$db", SqliteType.Text), command.Parameters.Add("$hour", SqliteType.Integer),
                    command.Parameters.Add("$r", SqliteType.Integer), command.Parameters.Add("$w", SqliteType.Integer),
                    command.Parameters.Add("$rr", SqliteType.Integer), command.Parameters.Add("$rw", SqliteType.Integer));
                foreach (var ((database, at), f) in hours)
                {
                    (db.Value, hour.Value, r.Value, w.Value, rr.Value, rw.Value) = (database, at, f.ReadQueries, f.WriteQueries, f.RowsRead, f.RowsWritten);
                    command.ExecuteNonQuery();
                }
            }
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = """
                    INSERT INTO queries VALUES ($db, $hour, $q, $n, $d, $rr, $rw, $rt) ON CONFLICT(database_id, hour, query) DO UPDATE SET
                    count = count + $n, duration_ms = duration_ms + $d, rows_read = rows_read + $rr, rows_written = rows_written + $rw,
                    rows_returned = rows_returned + $rt
                    """;
                var (db, hour, q, n, d) = (command.Parameters.Add("$db", SqliteType.Text), command.Parameters.Add("$hour", SqliteType.Integer),
                    command.Parameters.Add("$q", SqliteType.Text), command.Parameters.Add("$n", SqliteType.Integer), command.Parameters.Add("$d", SqliteType.Real));
                var (rr, rw, rt) = (command.Parameters.Add("$rr", SqliteType.Integer), command.Parameters.Add("$rw", SqliteType.Integer),
                    command.Parameters.Add("$rt", SqliteType.Integer));
                foreach (var ((database, at, query), f) in queries)
                {
                    (db.Value, hour.Value, q.Value, n.Value, d.Value) = (database, at, query, f.Count, f.DurationMs);
                    (rr.Value, rw.Value, rt.Value) = (f.RowsRead, f.RowsWritten, f.RowsReturned);
                    command.ExecuteNonQuery();
                }
            }
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "DELETE FROM hours WHERE hour < $oldest; DELETE FROM queries WHERE hour < $oldest;";
                command.Parameters.AddWithValue("$oldest", (DateTime.UtcNow - Retention).Ticks / TimeSpan.TicksPerHour);
                command.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    /// <summary>Read and write queries and rows per hour for <paramref name="databases"/> between two instants (inclusive).</summary>
    public IReadOnlyList<HourTotals> Hours(IReadOnlyCollection<string> databases, DateTimeOffset from, DateTimeOffset to)
    {
        Flush();
        var result = new List<HourTotals>();
        if (databases.Count == 0) return result;
        lock (_store)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"""
                SELECT hour, sum(read_queries), sum(write_queries), sum(rows_read), sum(rows_written) FROM hours
                WHERE hour >= $from AND hour <= $to AND database_id IN ({In(command, databases)}) GROUP BY hour ORDER BY hour
                """;
            command.Parameters.AddWithValue("$from", from.UtcTicks / TimeSpan.TicksPerHour);
            command.Parameters.AddWithValue("$to", to.UtcTicks / TimeSpan.TicksPerHour);
            using var reader = command.ExecuteReader();
            while (reader.Read())
                result.Add(new HourTotals(new DateTimeOffset(reader.GetInt64(0) * TimeSpan.TicksPerHour, TimeSpan.Zero),
                    reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }
        return result;
    }

    /// <summary>Per query text and database between two instants, sorted by <paramref name="orderBy"/>, at most <paramref name="limit"/> rows.</summary>
    public IReadOnlyList<QueryTotalsRow> Queries(IReadOnlyCollection<string> databases, DateTimeOffset from, DateTimeOffset to,
        QueryOrder orderBy, int limit)
    {
        Flush();
        var result = new List<QueryTotalsRow>();
        if (databases.Count == 0) return result;
        lock (_store)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"""
                SELECT query, database_id, sum(count) AS n, sum(duration_ms) AS d, sum(rows_read) AS rr, sum(rows_written) AS rw,
                       sum(rows_returned) AS rt
                FROM queries WHERE hour >= $from AND hour <= $to AND database_id IN ({In(command, databases)})
                GROUP BY query, database_id ORDER BY {orderBy.Sql}, query LIMIT $limit
                """;
            command.Parameters.AddWithValue("$from", from.UtcTicks / TimeSpan.TicksPerHour);
            command.Parameters.AddWithValue("$to", to.UtcTicks / TimeSpan.TicksPerHour);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            while (reader.Read())
                result.Add(new QueryTotalsRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetDouble(3),
                    reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)));
        }
        return result;
    }

    static string In(SqliteCommand command, IReadOnlyCollection<string> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = "$p" + names.Count;
            command.Parameters.AddWithValue(name, value);
            names.Add(name);
        }
        return string.Join(",", names);
    }

    void Exec(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Flushes what is left and closes the file.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        Flush();
        _connection.Dispose();
    }

    sealed class HourFigures
    {
        public long ReadQueries, WriteQueries, RowsRead, RowsWritten;
    }

    sealed class QueryFigures
    {
        public long Count, RowsRead, RowsWritten, RowsReturned;
        public double DurationMs;
    }
}
