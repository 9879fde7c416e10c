using System.CommandLine;

namespace Atoll.Cli.Hosting;

/// <summary>Options every command takes (recursive on the root command).</summary>
internal sealed class GlobalOptions
{
    public Option<bool> Json { get; } = new("--json") { Description = "Print machine-readable JSON instead of tables", Recursive = true };
    public Option<string?> Profile { get; } = new("--profile") { Description = "Use this saved profile (default: ATOLL_PROFILE, else the login default)", Recursive = true };
    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Show every HTTP request and response on stderr", Recursive = true };
}
