namespace Atoll.Client;

/// <summary>
/// A D1 failure as the Workers binding reports it: <see cref="Exception.Message"/> is <c>&lt;code&gt;: &lt;detail&gt;</c>
/// (e.g. <c>D1_ERROR: no such table: t: SQLITE_ERROR</c>) and <see cref="Code"/> is one of <see cref="D1ErrorCodes"/>.
/// </summary>
/// <seealso href="https://developers.cloudflare.com/d1/observability/debug-d1/"/>
public sealed class D1Exception : Exception
{
    /// <summary>Creates the exception; the message becomes <c>&lt;code&gt;: &lt;detail&gt;</c>.</summary>
    /// <param name="code">One of <see cref="D1ErrorCodes"/>.</param>
    /// <param name="detail">D1's own text, without the code.</param>
    /// <param name="apiCode">The Cloudflare v4 error code the server answered with, if any (e.g. 7500).</param>
    /// <param name="isTransient">True when the same request may succeed if tried again.</param>
    /// <param name="inner">The underlying failure (an HTTP, timeout or engine exception).</param>
    public D1Exception(string code, string detail, int? apiCode = null, bool isTransient = false, Exception? inner = null)
        : base($"{code}: {detail}", inner)
    {
        Code = code;
        Detail = detail;
        ApiCode = apiCode;
        IsTransient = isTransient;
    }

    /// <summary>The binding's error code: <c>D1_ERROR</c>, <c>D1_TYPE_ERROR</c>, <c>D1_COLUMN_NOTFOUND</c> or <c>D1_EXEC_ERROR</c>.</summary>
    public string Code { get; }

    /// <summary>D1's message without the code (what the binding puts in the error's <c>cause</c>).</summary>
    public string Detail { get; }

    /// <summary>The Cloudflare v4 error code (7500 for SQL errors, 7404 for a missing database, 10000 for authentication), when known.</summary>
    public int? ApiCode { get; }

    /// <summary>True when retrying the same request may succeed (the server was unreachable, overloaded or too slow).</summary>
    public bool IsTransient { get; }
}
