namespace Atoll.Server.TimeTravel;

/// <summary>D1's restore limit for one database: at most N restores in any sliding window.</summary>
/// <remarks>Kept in the database's grain; a deactivation resets it, which only ever errs on the side of allowing.</remarks>
public sealed class RestoreRateLimit(int limit, TimeSpan window, TimeProvider clock)
{
    readonly Queue<DateTimeOffset> _recent = new();

    /// <summary>Counts a restore now; false (and nothing counted) when the limit is reached.</summary>
    public bool TryTake()
    {
        var now = clock.GetUtcNow();
        while (_recent.Count > 0 && now - _recent.Peek() >= window) _recent.Dequeue();
        if (_recent.Count >= limit) return false;
        _recent.Enqueue(now);
        return true;
    }
}
