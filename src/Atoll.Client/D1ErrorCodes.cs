namespace Atoll.Client;

/// <summary>The error codes the D1 binding puts in front of its messages, as <see cref="D1Exception.Code"/> carries them.</summary>
/// <seealso href="https://developers.cloudflare.com/d1/observability/debug-d1/"/>
public static class D1ErrorCodes
{
    /// <summary>The query failed, or the database could not be reached (<c>D1_ERROR</c>).</summary>
    public const string Error = "D1_ERROR";

    /// <summary>A bound value has a type D1 does not accept; thrown before any request (<c>D1_TYPE_ERROR</c>).</summary>
    public const string TypeError = "D1_TYPE_ERROR";

    /// <summary><c>FirstAsync(column)</c> named a column the result does not have (<c>D1_COLUMN_NOTFOUND</c>).</summary>
    public const string ColumnNotFound = "D1_COLUMN_NOTFOUND";

    /// <summary><c>ExecAsync</c> failed (<c>D1_EXEC_ERROR</c>).</summary>
    public const string ExecError = "D1_EXEC_ERROR";
}
