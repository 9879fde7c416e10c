using System.Text.RegularExpressions;

namespace Atoll.Server.OrleansDashboard;

/// <summary>
/// Orleans' own dashboard (<c>Atoll:OrleansDashboard</c>) for operators: silos, grain activations, grain-method
/// latency, live logs. Off by default: while it is on, every grain call passes its profiling filter (timed while the
/// dashboard is open, and a minute after) and each silo samples its runtime statistics every second. Admin token only.
/// </summary>
public sealed partial class OrleansDashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Atoll:OrleansDashboard";

    // First path segments Atoll's own routes use (the API, signed transfer URLs, its dashboard, health and metrics, the
    // binding's POST /query, /execute, /dump): the Orleans dashboard must not shadow them.
    static readonly string[] Taken = ["client", "atoll", "dashboard", "metrics", "healthz", "readyz", "openapi", "query", "execute", "dump"];

    /// <summary>Serve the dashboard (every silo profiles grain calls while someone watches).</summary>
    public bool Enabled { get; set; }

    /// <summary>Where it is served, e.g. <c>/orleans</c> (the page is <c>/orleans/</c>, its data below it).</summary>
    public string Path { get; set; } = "/orleans";

    /// <summary><see cref="Path"/> without a trailing slash: the route prefix given to Orleans.</summary>
    public string RoutePrefix => Path.TrimEnd('/');

    /// <summary>Throws naming the setting that is unusable.</summary>
    public void Validate()
    {
        if (!Enabled) return;
        if (!PathShape().IsMatch(RoutePrefix))
            throw new InvalidOperationException(
                $"Atoll:OrleansDashboard:Path must be a path such as /orleans (letters, digits, '-', '_', '.', one or more segments), not '{Path}'.");
        var first = RoutePrefix.Split('/')[1];
        if (Taken.Contains(first, StringComparer.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Atoll:OrleansDashboard:Path '{Path}' is under /{first}, which Atoll serves itself; choose another, e.g. /orleans.");
    }

    [GeneratedRegex(@"^(/(?!\.+(/|$))[A-Za-z0-9_.-]+)+$")]   // segments, none only dots
    private static partial Regex PathShape();
}
