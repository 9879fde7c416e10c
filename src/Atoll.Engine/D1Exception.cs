namespace Atoll.Engine;

/// <summary>An error in D1's terms: a v4 error <see cref="Code"/> and D1's wording, e.g. <c>no such table: t: SQLITE_ERROR</c>.</summary>
public sealed class D1Exception(D1ErrorCode code, string message, int? sqliteExtendedCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The Cloudflare v4 error code.</summary>
    public D1ErrorCode Code { get; } = code;

    /// <summary>SQLite's extended result code when SQLite raised the error.</summary>
    public int? SqliteExtendedCode { get; } = sqliteExtendedCode;

    /// <summary>True when retrying the same request may succeed.</summary>
    public bool IsTransient => Code is D1ErrorCode.Overloaded;
}
