namespace Atoll.Client.Admin;

/// <summary>What an export writes (D1's <c>dump_options</c>).</summary>
public sealed record ExportOptions
{
    /// <summary>Only these tables (all when empty).</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    /// <summary>Leave out CREATE statements.</summary>
    public bool NoSchema { get; init; }

    /// <summary>Leave out INSERT statements.</summary>
    public bool NoData { get; init; }
}
