using System.Text;

namespace Atoll.Server.Tests.Fuzz;

/// <summary>What kind of reply a route gives, so the checks know which shape to expect.</summary>
public enum ReplyShape
{
    /// <summary>The v4 envelope: <c>{"result","success","errors","messages"}</c>.</summary>
    Envelope,
    /// <summary>The binding's: an array of results, or <c>{"success":false,"error"}</c>.</summary>
    Binding,
    /// <summary>GraphQL's <c>{"data","errors"}</c>.</summary>
    Graphql,
    /// <summary>A file on success (an export download), an envelope on failure.</summary>
    FileOrEnvelope,
    /// <summary>A file on success (the binding's dump), the binding's failure object otherwise.</summary>
    FileOrBinding,
    /// <summary>Any JSON (the health check).</summary>
    Json,
    /// <summary>Raw bytes that may not even be HTTP: anything but a 5xx or a hang.</summary>
    Protocol,
}

/// <summary>One generated request: over HttpClient (method, path, headers, body) or as raw bytes on a socket.</summary>
public sealed record FuzzRequest(string Method, string Path, IReadOnlyList<(string Name, string Value)> Headers, byte[]? Body,
    ReplyShape Shape, bool MayReadOther, byte[]? Raw = null)
{
    /// <summary>How to see it again in a failure message (the body cut short, non-printable bytes escaped).</summary>
    public string Describe()
    {
        var bytes = Raw ?? Body ?? [];
        var shown = new StringBuilder();
        foreach (var b in bytes.Take(300))
            shown.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:x2}");
        if (bytes.Length > 300) shown.Append($"… ({bytes.Length} bytes)");
        var headers = string.Join("; ", Headers.Select(h => $"{h.Name}: {(h.Name == "Authorization" ? "<token>" : h.Value)}"));
        return Raw is null ? $"{Method} {Path} [{headers}] {shown}" : $"raw: {shown}";
    }
}
