using System.Globalization;
using System.Security.Cryptography;
using Atoll.Engine.Storage;
using Npgsql;

namespace Atoll.Server.Cluster;

/// <summary>
/// The cluster's <see cref="IOwnershipFence"/>: each database's epoch and commit point live in PostgreSQL, the entries'
/// bytes in the shared object store. Needed because an S3 server that ignores conditional PUTs (s3rver) cannot arbitrate
/// between two owners by itself.
/// </summary>
/// <remarks>
/// <para><b>Claim</b>: one upsert raises the prefix's epoch by one, so concurrent claims get distinct, increasing epochs.
/// From that moment every older epoch is fenced: it may publish no new sequence.</para>
/// <para><b>Publish</b>: in one transaction holding the prefix's row lock, the sequence is reserved for the caller —
/// only if it holds the newest epoch and the sequence is past the commit point — with the entry's digest and bytes.
/// Then the bytes go to the object store, and only then does the publish return true (the write may be acknowledged).
/// Exactly one owner ever reserves a sequence, so only one owner ever writes its key, and a slow (zombie) PUT can only
/// rewrite a key with the same bytes. A reservation whose owner died before its upload finished is completed by the next
/// claim, from the bytes kept in PostgreSQL, before that claim returns: the store never lacks a reserved entry that a
/// new owner would then contradict.</para>
/// <para>A retry of the same bytes for an already reserved sequence succeeds (its answer was lost); other bytes are
/// refused. Rows of published entries are trimmed to the newest few per database.</para>
/// </remarks>
public sealed class PostgresOwnershipFence(NpgsqlDataSource source, IObjectStore store) : IOwnershipFence
{
    /// <summary>Published entries kept per database (beyond the newest), so a late retry still finds its row.</summary>
    const int KeptEntries = 16;

    /// <inheritdoc/>
    public async Task<long> ClaimAsync(string prefix, CancellationToken cancellationToken)
    {
        long epoch;
        List<(long Sequence, string Key, byte[] Bytes)> pending = [];
        await using (var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using (var claim = new NpgsqlCommand("""
                INSERT INTO fence_owners(prefix, epoch) VALUES (@prefix, 1)
                ON CONFLICT (prefix) DO UPDATE SET epoch = fence_owners.epoch + 1 RETURNING epoch
                """, connection, transaction))
            {
                claim.Parameters.AddWithValue("prefix", prefix);
                epoch = (long)(await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
            await using (var unfinished = new NpgsqlCommand(
                "SELECT sequence, key, pending FROM fence_entries WHERE prefix = @prefix AND pending IS NOT NULL ORDER BY sequence",
                connection, transaction))
            {
                unfinished.Parameters.AddWithValue("prefix", prefix);
                await using var reader = await unfinished.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    pending.Add((reader.GetInt64(0), reader.GetString(1), (byte[])reader.GetValue(2)));
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        // Entries reserved before this claim belong to the history: finish their uploads before the new owner looks at the store.
        foreach (var (sequence, key, bytes) in pending)
            await UploadAsync(prefix, sequence, key, bytes, cancellationToken).ConfigureAwait(false);
        return epoch;
    }

    /// <inheritdoc/>
    public async Task<bool> PublishAsync(string key, ReadOnlyMemory<byte> entry, long epoch, CancellationToken cancellationToken)
    {
        var (prefix, sequence) = ParseKey(key);
        var bytes = entry.ToArray();
        var digest = SHA256.HashData(bytes);
        // One round trip: the row lock, the checks and the reservation run in atoll_fence_reserve (Sql/Atoll-Cluster.sql).
        await using (var reserve = source.CreateCommand("SELECT atoll_fence_reserve(@prefix, @sequence, @key, @epoch, @digest, @bytes)"))
        {
            reserve.Parameters.AddWithValue("prefix", prefix);
            reserve.Parameters.AddWithValue("sequence", sequence);
            reserve.Parameters.AddWithValue("key", key);
            reserve.Parameters.AddWithValue("epoch", epoch);
            reserve.Parameters.AddWithValue("digest", digest);
            reserve.Parameters.AddWithValue("bytes", bytes);
            if (!(bool)(await reserve.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!) return false;
        }
        await UploadAsync(prefix, sequence, key, bytes, cancellationToken).ConfigureAwait(false);
        return true;
    }

    // Puts a reserved entry's bytes in the store, then drops them (and old rows) from PostgreSQL.
    async Task UploadAsync(string prefix, long sequence, string key, byte[] bytes, CancellationToken cancellationToken)
    {
        await using (var content = new MemoryStream(bytes, writable: false))
            await store.PutAsync(key, content, cancellationToken).ConfigureAwait(false);
        await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var done = new NpgsqlCommand("""
            UPDATE fence_entries SET pending = NULL WHERE prefix = @prefix AND sequence = @sequence;
            DELETE FROM fence_entries WHERE prefix = @prefix AND sequence < @sequence - @kept AND pending IS NULL;
            """, connection);
        done.Parameters.AddWithValue("prefix", prefix);
        done.Parameters.AddWithValue("sequence", sequence);
        done.Parameters.AddWithValue("kept", (long)KeptEntries);
        await done.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The database prefix and sequence of a log entry's key (<c>&lt;prefix&gt;log/&lt;16 hex&gt;.entry</c>, see LogStore.EntryKey).</summary>
    internal static (string Prefix, long Sequence) ParseKey(string key)
    {
        var log = key.LastIndexOf("log/", StringComparison.Ordinal);
        var name = log < 0 ? "" : Path.GetFileNameWithoutExtension(key[(log + 4)..]);
        if (log < 0 || !long.TryParse(name, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var sequence))
            throw new ArgumentException($"'{key}' is not a log entry key (<prefix>log/<hex sequence>.entry)", nameof(key));
        return (key[..log], sequence);
    }
}
