namespace Atoll.Engine;

/// <summary>What a SQL dump holds: D1's <c>dump_options</c>.</summary>
/// <seealso href="https://developers.cloudflare.com/api/resources/d1/subresources/database/methods/export/"/>
public sealed record DumpOptions
{
    /// <summary>Leave out CREATE statements (data only).</summary>
    public bool NoSchema { get; init; }

    /// <summary>Leave out the rows (schema only).</summary>
    public bool NoData { get; init; }

    /// <summary>Only these tables (and indexes, triggers and views of these names, as D1 filters them); empty means all.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];
}
