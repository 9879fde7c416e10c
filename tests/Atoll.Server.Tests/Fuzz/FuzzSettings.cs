using System.Globalization;

namespace Atoll.Server.Tests.Fuzz;

/// <summary>
/// How long and from which seed the fuzz suite runs. CI: a fixed seed, at most <see cref="CiRequests"/> requests and about a
/// minute. Developers: <c>ATOLL_FUZZ_SECONDS=600 ATOLL_FUZZ_SEED=random dotnet test --filter FullyQualifiedName~Fuzz</c>.
/// </summary>
public sealed record FuzzSettings(int Seed, int MaxRequests, TimeSpan Budget)
{
    /// <summary>The seed CI runs; a failure it finds reproduces with the same seed.</summary>
    public const int CiSeed = 20261204;

    /// <summary>Requests in a CI run (it stops earlier when the time budget is spent).</summary>
    public const int CiRequests = 20_000;

    /// <summary>
    /// From the environment: <c>ATOLL_FUZZ_SEED</c> (a number, or <c>random</c>), <c>ATOLL_FUZZ_SECONDS</c> (a longer run: the
    /// request cap is lifted).
    /// </summary>
    public static FuzzSettings FromEnvironment()
    {
        var seedText = Environment.GetEnvironmentVariable("ATOLL_FUZZ_SEED");
        var seed = seedText switch
        {
            null or "" => CiSeed,
            "random" => Random.Shared.Next(),
            _ => int.Parse(seedText, CultureInfo.InvariantCulture),
        };
        var secondsText = Environment.GetEnvironmentVariable("ATOLL_FUZZ_SECONDS");
        var longRun = int.TryParse(secondsText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0;
        return new FuzzSettings(seed, longRun ? int.MaxValue : CiRequests, TimeSpan.FromSeconds(longRun ? seconds : 50));
    }
}
