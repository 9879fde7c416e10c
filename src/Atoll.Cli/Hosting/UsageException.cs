namespace Atoll.Cli.Hosting;

/// <summary>A bad flag or argument found after parsing (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
