namespace Atoll.Client.Protocol;

/// <summary>One statement's result as the transport received it: column names, the still-encoded rows and the meta.</summary>
/// <param name="Columns">Column names in order, duplicates kept.</param>
/// <param name="Rows">UTF-8 JSON array of row arrays (<c>[[1,"a"],[2,null]]</c>), a slice of the response body.</param>
/// <param name="RowCount">How many rows <paramref name="Rows"/> holds.</param>
/// <param name="Meta">The statement's meta.</param>
internal sealed record StatementResult(string[] Columns, ReadOnlyMemory<byte> Rows, int RowCount, D1Meta Meta)
{
    static readonly ReadOnlyMemory<byte> NoRows = "[]"u8.ToArray();

    /// <summary>A result with no columns and no rows.</summary>
    public static StatementResult Empty(D1Meta meta) => new([], NoRows, 0, meta);
}
