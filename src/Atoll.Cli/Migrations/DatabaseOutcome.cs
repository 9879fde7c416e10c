namespace Atoll.Cli.Migrations;

/// <summary>What a run did to one database: the migrations applied (or, in a dry run, that would be), and the error that stopped it.</summary>
internal sealed record DatabaseOutcome(string Database, IReadOnlyList<string> Applied, IReadOnlyList<string> Pending, string? FailedMigration, string? Error)
{
    public bool Failed => Error is not null;
}
