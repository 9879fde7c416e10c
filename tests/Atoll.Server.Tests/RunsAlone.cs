namespace Atoll.Server.Tests;

/// <summary>
/// Tests that load the machine on purpose (a thousand concurrent sessions, SIGKILL under megabyte writes) run after the
/// others and alone, so tests with deadlines of their own (S3 upload timeouts) never share the CPU with them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
