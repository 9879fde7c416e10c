namespace Atoll.Cli.Hosting;

/// <summary>The process exit codes, as the issue and scripts rely on them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
}
