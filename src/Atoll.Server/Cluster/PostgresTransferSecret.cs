using System.Security.Cryptography;
using Npgsql;

namespace Atoll.Server.Cluster;

/// <summary>
/// The cluster's one secret for signing transfer URLs (<see cref="Transfers.TransferSigner"/>), in the <c>cluster_secrets</c>
/// table: the first node to ask creates it, every later one reads that one.
/// </summary>
public static class PostgresTransferSecret
{
    /// <summary>Reads the secret, creating it when no node has yet.</summary>
    /// <remarks>Race-safe: nodes starting together each offer a random secret, the primary key keeps the first, and each reads what was kept.</remarks>
    public static async Task<byte[]> LoadAsync(NpgsqlDataSource source, CancellationToken cancellationToken = default)
    {
        await using (var offer = source.CreateCommand("INSERT INTO cluster_secrets(name, value) VALUES ('transfer', @offered) ON CONFLICT (name) DO NOTHING"))
        {
            offer.Parameters.AddWithValue("offered", RandomNumberGenerator.GetBytes(32));
            await offer.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        // A statement of its own: its snapshot sees the row whichever node's insert won.
        await using var read = source.CreateCommand("SELECT value FROM cluster_secrets WHERE name = 'transfer'");
        return (byte[])(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
