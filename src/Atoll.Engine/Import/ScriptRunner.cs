using System.Diagnostics;
using System.Text;
using Atoll.Engine.Connections;
using Atoll.Engine.Execution;
using Atoll.Engine.Sandbox;
using SQLitePCL;

namespace Atoll.Engine.Import;

/// <summary>
/// Runs a SQL script, streamed statement by statement, on the writer connection inside one transaction:
/// every statement commits together, or none does. User SQL stays inside D1's sandbox, so a script's own
/// BEGIN/COMMIT fails with D1's import message instead of ending the transaction early.
/// </summary>
/// <remarks>Not thread-safe: the caller holds the database's write gate.</remarks>
internal static class ScriptRunner
{
    /// <summary>D1's answer to a script that opens or ends transactions itself.</summary>
    internal const string TransactionInScript =
        "cannot start a transaction within a transaction: SQLITE_ERROR (the file runs as one transaction already: remove BEGIN TRANSACTION, COMMIT, ROLLBACK and SAVEPOINT statements)";

    const int FullScanStep = 1; // SQLITE_STMTSTATUS_FULLSCAN_STEP
    const int PreviewLength = 200;

    public static ImportResult Run(Connection connection, Stream script, CancellationToken cancellation)
    {
        var options = connection.Options;
        // A dumped row may hold a value of the largest size, doubled by hex or quote escaping.
        var maxStatement = (int)Math.Min(int.MaxValue - 1024, 2L * options.MaxValueLength + options.MaxSqlLength);
        var reader = new ScriptReader(script, maxStatement);
        var db = connection.Handle;
        var timer = Stopwatch.GetTimestamp();
        long statements = 0, rowsRead = 0, rowsWritten = 0, rowsReturned = 0;
        connection.BeginUnlimitedRequest(cancellation);
        var previousLimit = connection.SetMaxSqlLength(maxStatement);
        try
        {
            connection.Begin();
            var sizeBefore = connection.SizeInBytes();
            var changesBefore = raw.sqlite3_total_changes(db);
            var rowIdBefore = raw.sqlite3_last_insert_rowid(db);
            ReadOnlyMemory<byte> text = default;
            try
            {
                while (reader.TryNext(out text))
                {
                    var span = text.Span;
                    var position = 0;
                    while (!SqlText.IsBlank(span[position..]))
                    {
                        sqlite3_stmt? statement;
                        try
                        {
                            position += SqlTail.PrepareNext(connection, span[position..], 0, out statement);
                        }
                        catch (D1Exception)
                        {
                            statements++;
                            if (connection.Authorizer.LastDenial == Authorizer.TransactionDenied) throw ErrorFactory.Sql(TransactionInScript);
                            throw;
                        }
                        using (statement)
                        {
                            if (statement is null) continue; // a comment or a lone semicolon
                            statements++;
                            var changes = raw.sqlite3_total_changes(db);
                            var returned = 0L;
                            int rc;
                            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW) returned++;
                            if (rc != raw.SQLITE_DONE) throw ErrorFactory.FromConnection(connection, rc);
                            rowsReturned += returned;
                            rowsRead += Math.Max(returned, raw.sqlite3_stmt_status(statement, FullScanStep, 0));
                            rowsWritten += raw.sqlite3_total_changes(db) - changes;
                        }
                    }
                }
                var sizeAfter = connection.SizeInBytes();
                var changed = raw.sqlite3_total_changes(db) - changesBefore;
                var rowId = raw.sqlite3_last_insert_rowid(db);
                var sequence = connection.CommitNext(sizeAfter);
                var totals = new QueryTotals(rowsRead, rowsWritten, rowsReturned, changed != 0 || sizeAfter != sizeBefore || rowId != rowIdBefore,
                    sizeAfter, Stopwatch.GetElapsedTime(timer).TotalMilliseconds, ReadOnly: false);
                return new ImportResult(statements, changed, rowId, totals) { Bookmark = new Bookmark(sequence) };
            }
            catch (D1Exception error)
            {
                connection.Rollback();
                var totals = new QueryTotals(rowsRead, 0, rowsReturned, false, connection.SizeInBytes(),
                    Stopwatch.GetElapsedTime(timer).TotalMilliseconds, ReadOnly: false);
                return new ImportResult(Math.Max(0, statements - 1), 0, rowIdBefore, totals)
                {
                    Bookmark = new Bookmark(connection.State.Sequence),
                    Error = error,
                    FailedStatement = Math.Max(1, statements),
                    FailedSql = Preview(text.Span),
                };
            }
            catch
            {
                connection.Rollback();
                throw;
            }
        }
        finally
        {
            connection.SetMaxSqlLength(previousLimit);
            connection.EndRequest();
            if (connection.Authorizer.SettingsChanged) connection.ExecTrusted(StatementExecutor.ResetPragmas);
        }
    }

    static string Preview(ReadOnlySpan<byte> statement)
    {
        var start = SqlText.SkipTrivia(statement, skipSemicolons: true);
        var text = Encoding.UTF8.GetString(statement[start..Math.Min(statement.Length, start + PreviewLength * 4)]).Trim();
        return text.Length <= PreviewLength ? text : text[..PreviewLength] + "…";
    }
}
