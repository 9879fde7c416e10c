namespace Atoll.Engine.Tests.ChangeLog;

/// <summary>A clock the test moves by hand, so commit times and retention are exact.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
