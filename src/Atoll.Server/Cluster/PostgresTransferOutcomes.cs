using Atoll.Server.Transfers;
using Npgsql;
using NpgsqlTypes;

namespace Atoll.Server.Cluster;

/// <summary>
/// Finished transfer jobs' outcomes in the <c>transfer_outcomes</c> table, for <see cref="ITransferOutcomes.Retention"/>:
/// older rows are not read, and each save deletes them (there are few: one per finished import or export).
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class PostgresTransferOutcomes(NpgsqlDataSource source) : ITransferOutcomes
{
    public async Task SaveAsync(TransferOutcome outcome, CancellationToken cancellationToken = default)
    {
        await using var batch = source.CreateBatch();
        var expire = new NpgsqlBatchCommand("DELETE FROM transfer_outcomes WHERE finished_at < now() - @retention");
        expire.Parameters.AddWithValue("retention", ITransferOutcomes.Retention);
        batch.BatchCommands.Add(expire);
        var save = new NpgsqlBatchCommand("""
            INSERT INTO transfer_outcomes(key, at_bookmark, type, node, error, result, file, finished_at)
            VALUES (@key, @at_bookmark, @type, @node, @error, @result, @file, now())
            ON CONFLICT (key, at_bookmark) DO UPDATE SET type = excluded.type, node = excluded.node, error = excluded.error,
                result = excluded.result, file = excluded.file, finished_at = excluded.finished_at
            """);
        save.Parameters.AddWithValue("key", outcome.Key);
        save.Parameters.AddWithValue("at_bookmark", outcome.AtBookmark);
        save.Parameters.AddWithValue("type", outcome.Type);
        save.Parameters.AddWithValue("node", outcome.Node);
        save.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)outcome.Error ?? DBNull.Value });
        save.Parameters.Add(new NpgsqlParameter("result", NpgsqlDbType.Bytea) { Value = (object?)outcome.Result ?? DBNull.Value });
        save.Parameters.Add(new NpgsqlParameter("file", NpgsqlDbType.Text) { Value = (object?)outcome.File ?? DBNull.Value });
        batch.BatchCommands.Add(save);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<TransferOutcome?> FindAsync(string key, string atBookmark, CancellationToken cancellationToken = default)
    {
        await using var command = source.CreateCommand("""
            SELECT type, node, error, result, file FROM transfer_outcomes
            WHERE key = @key AND at_bookmark = @at_bookmark AND finished_at >= now() - @retention
            """);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("at_bookmark", atBookmark);
        command.Parameters.AddWithValue("retention", ITransferOutcomes.Retention);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new TransferOutcome(key, atBookmark, reader.GetString(0), reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : (byte[])reader[3], reader.IsDBNull(4) ? null : reader.GetString(4));
    }
}
