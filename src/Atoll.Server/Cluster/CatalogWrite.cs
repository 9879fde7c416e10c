using System.Data.Common;
using Atoll.Server.Catalog;
using Npgsql;

namespace Atoll.Server.Cluster;

/// <summary>
/// One catalog write transaction in PostgreSQL: its statements, and the list of what it changed, which
/// <see cref="RecordChangesAsync"/> appends to the change feed and notifies in the same transaction.
/// </summary>
internal sealed class CatalogWrite(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
{
    readonly List<(string Kind, string Key)> _changes = [];

    /// <summary>Notes that the row of <paramref name="kind"/> (account, database, token) with <paramref name="key"/> changed.</summary>
    public void Changed(string kind, string key) => _changes.Add((kind, key));

    /// <summary>Runs the statement <paramref name="build"/> makes; the number of rows it touched.</summary>
    public async Task<int> ExecAsync(Func<DbCommand, DbCommand> build)
    {
        await using var command = build(connection.CreateCommand());
        command.Transaction = transaction;
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the statement and notes the row it changed.</summary>
    public async Task<int> ExecAsync(Func<DbCommand, DbCommand> build, string kind, string key)
    {
        var rows = await ExecAsync(build).ConfigureAwait(false);
        Changed(kind, key);
        return rows;
    }

    /// <summary>Reads every row of <paramref name="sql"/>.</summary>
    public async Task ReadAsync(string sql, Action<DbDataReader> row)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) row(reader);
    }

    /// <summary>Appends the noted changes to the feed and notifies <paramref name="channel"/> (sent when the transaction commits).</summary>
    /// <returns>The id of the last change appended, 0 when nothing changed.</returns>
    public async Task<long> RecordChangesAsync(string channel)
    {
        long last = 0;
        foreach (var (kind, key) in _changes)
        {
            await using var command = new NpgsqlCommand("INSERT INTO catalog_changes(kind, key) VALUES (@kind, @key) RETURNING id", connection, transaction);
            command.Parameters.AddWithValue("kind", kind);
            command.Parameters.AddWithValue("key", key);
            last = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        if (last > 0)
        {
            await using var notify = new NpgsqlCommand($"NOTIFY {channel}", connection, transaction);
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return last;
    }
}
