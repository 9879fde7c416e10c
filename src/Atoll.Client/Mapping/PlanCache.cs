using System.Collections.Concurrent;

namespace Atoll.Client.Mapping;

/// <summary>Plans for <typeparamref name="T"/>, one per column list seen; bounded, since SQL built at run time can produce many lists.</summary>
internal static class PlanCache<T>
{
    const int MaxPlans = 256;
    static readonly ConcurrentDictionary<ColumnSet, RowPlan<T>> Plans = new();

    /// <exception cref="InvalidCastException"><typeparamref name="T"/> cannot take rows with these columns.</exception>
    public static RowPlan<T> For(string[] columns)
    {
        var key = new ColumnSet(columns);
        if (Plans.TryGetValue(key, out var plan)) return plan;
        if (Plans.Count >= MaxPlans) Plans.Clear();
        return Plans.GetOrAdd(key, static k => PlanBuilder.Build<T>(k.Columns));
    }
}
