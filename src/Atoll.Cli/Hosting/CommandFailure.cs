namespace Atoll.Cli.Hosting;

/// <summary>A command that could not do its job for a reason already put in words for people (exit code 1).</summary>
internal sealed class CommandFailure(string message) : Exception(message);
