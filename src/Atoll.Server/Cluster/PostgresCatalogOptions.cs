namespace Atoll.Server.Cluster;

/// <summary>How closely a node's catalog mirror follows PostgreSQL (see <see cref="PostgresCatalog"/> for the bound these give).</summary>
public sealed class PostgresCatalogOptions
{
    /// <summary>How often the mirror reads the change feed when no notification woke it (a lost notification waits at most this).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After this long without catching up, token lookups stop trusting the mirror and ask PostgreSQL (failing closed).</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(3);
}
