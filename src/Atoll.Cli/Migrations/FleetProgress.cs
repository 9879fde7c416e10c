namespace Atoll.Cli.Migrations;

/// <summary>Counts of a fleet run so far, for the live progress line.</summary>
internal sealed record FleetProgress(int Total, int Done, int Failed, TimeSpan Elapsed)
{
    public int Remaining => Total - Done;
    public double Rate => Elapsed.TotalSeconds > 0 ? Done / Elapsed.TotalSeconds : 0;
}
