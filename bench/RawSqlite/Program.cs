// The raw-SQLite baseline of bench/compare.sh: durable single-row inserts with Microsoft.Data.Sqlite in-process, each
// its own autocommit transaction, WAL at synchronous=FULL (every commit fsynced, as Atoll acknowledges only durable
// writes), N client threads sharing one connection (taken in turn under a lock), for a fixed time. Prints
// "inserts/s p50 p99" (ms). One connection, not one per thread: SQLite's single writer makes 64 connections wait on
// each other's locks with busy-handler sleeps, which would measure the sleeps (a few hundred inserts/s), not SQLite.
//   dotnet RawSqlite.dll inserts <seconds> <threads> <directory>
using System.Diagnostics;
using Microsoft.Data.Sqlite;

if (args is not ["inserts", var secondsText, var threadsText, var directory])
{
    Console.Error.WriteLine("usage: RawSqlite inserts <seconds> <threads> <directory>");
    return 2;
}
var seconds = double.Parse(secondsText, System.Globalization.CultureInfo.InvariantCulture);
var threads = int.Parse(threadsText, System.Globalization.CultureInfo.InvariantCulture);
var path = Path.Combine(directory, $"raw-{Guid.NewGuid():N}.sqlite");
var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 60 }.ToString();
using (var setup = Open())
    Exec(setup, "CREATE TABLE events(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, body TEXT NOT NULL)");

var body = new string('x', 100);
var latencies = new List<double>[threads];
var stop = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
var started = Stopwatch.GetTimestamp();
using var shared = Open();
using var insert = shared.CreateCommand();
insert.CommandText = "INSERT INTO events(n, body) VALUES ($n, $body)";
var n = insert.Parameters.Add("$n", SqliteType.Integer);
insert.Parameters.AddWithValue("$body", body);
insert.Prepare();
var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
{
    var mine = latencies[t] = new List<double>(4096);
    for (var i = 0; Stopwatch.GetTimestamp() < stop; i++)
    {
        var before = Stopwatch.GetTimestamp();
        lock (insert)
        {
            n.Value = i;
            insert.ExecuteNonQuery();
        }
        mine.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
    }
})).ToList();
workers.ForEach(w => w.Start());
workers.ForEach(w => w.Join());
var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
var all = latencies.SelectMany(l => l).Order().ToArray();
using (var check = Open())
{
    using var count = check.CreateCommand();
    count.CommandText = "SELECT count(*) FROM events";
    if ((long)count.ExecuteScalar()! != all.Length) throw new InvalidOperationException("rows lost");
}
foreach (var file in Directory.GetFiles(directory, Path.GetFileName(path) + "*")) File.Delete(file);
Console.WriteLine(FormattableString.Invariant($"{all.Length / elapsed:0} {all[all.Length / 2]:0.00} {all[all.Length * 99 / 100]:0.00}"));
return 0;

SqliteConnection Open()
{
    var connection = new SqliteConnection(connectionString);
    connection.Open();
    Exec(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=60000");
    return connection;
}

static void Exec(SqliteConnection connection, string sql)
{
    using var command = connection.CreateCommand();
    command.CommandText = sql;
    command.ExecuteNonQuery();
}
