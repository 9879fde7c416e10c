namespace Atoll.Server.Replication;

/// <summary>
/// Read replication on this node (<c>Atoll:Replication</c>). The node's own region is <c>Atoll:Region</c> (D1's codes:
/// WNAM, ENAM, WEUR, EEUR, APAC, OC; default <c>local</c>). A database with <c>read_replication.mode = "auto"</c> gets a
/// replica in every region of <see cref="Regions"/> but its primary's; on a single node they all live in this process.
/// </summary>
public sealed class ReplicationOptions
{
    public const string Section = "Atoll:Replication";

    /// <summary>The regions that get a replica (each with its own file). Empty: <c>auto</c> creates none and reads stay on the primary.</summary>
    public string[] Regions { get; set; } = [];

    /// <summary>How long a read carrying a bookmark waits for a replica to apply it before it goes to the primary.</summary>
    public TimeSpan BookmarkWait { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often an idle replica asks its primary for entries it was not told about (a lost wake-up).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most entries a replica fetches and applies in one batch.</summary>
    public int BatchEntries { get; set; } = 256;

    /// <summary>
    /// A replica more entries behind than this (back after a long stop) starts again from a fresh copy, built from the
    /// primary's newest snapshot, instead of replaying every entry; one whose entries expired does so whatever this is.
    /// </summary>
    public int CopyWhenBehind { get; set; } = 5_000;

    /// <summary>The replica regions of a database whose primary is in <paramref name="primaryRegion"/>.</summary>
    public IReadOnlyList<string> ReplicaRegions(string primaryRegion)
        => [.. Regions.Select(r => r.Trim()).Where(r => r.Length > 0 && !r.Equals(primaryRegion, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Throws on a setting out of range, naming it.</summary>
    public void Validate()
    {
        if (BookmarkWait < TimeSpan.Zero || BookmarkWait > TimeSpan.FromSeconds(30))
            throw new InvalidOperationException($"{Section}:BookmarkWait must be from 0 to 30 seconds.");
        if (PollInterval < TimeSpan.FromMilliseconds(10)) throw new InvalidOperationException($"{Section}:PollInterval must be at least 10 ms.");
        if (BatchEntries < 1) throw new InvalidOperationException($"{Section}:BatchEntries must be at least 1.");
        if (CopyWhenBehind < 1) throw new InvalidOperationException($"{Section}:CopyWhenBehind must be at least 1.");
        foreach (var region in Regions)
            if (region.Length == 0 || region.Length > 32 || !region.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new InvalidOperationException($"{Section}:Regions has \"{region}\": a region is 1 to 32 letters, digits, '-' or '_'.");
    }
}
