namespace Atoll.Server.Grains;

/// <summary>
/// Finds a database's grain by uuid. <c>IGrainFactory.GetGrain&lt;IDatabaseGrain&gt;(uuid)</c> resolves the interface's
/// grain type through reflection on every call (custom attributes, type-name parsing: about a tenth of a point query's CPU
/// in a profile); this resolves it once and builds each reference from the cached types. It also knows which databases'
/// grains are active in this process (<see cref="Active"/>), whose reads need no grain call.
/// </summary>
public sealed class DatabaseGrains(IGrainFactory factory)
{
    readonly Lazy<(GrainType Grain, GrainInterfaceType Interface)> _types = new(() =>
    {
        var probe = (GrainReference)factory.GetGrain<IDatabaseGrain>("-");
        return (probe.GrainId.Type, probe.InterfaceType);
    });

    /// <summary>The databases whose grain is active in this process.</summary>
    public ActiveDatabases Active { get; } = new();

    /// <summary>The grain of the database <paramref name="uuid"/>.</summary>
    public IDatabaseGrain Get(string uuid)
    {
        var (grain, @interface) = _types.Value;
        return (IDatabaseGrain)factory.GetGrain(GrainId.Create(grain, uuid), @interface);
    }
}
