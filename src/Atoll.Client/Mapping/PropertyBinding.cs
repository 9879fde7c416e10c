using System.Reflection;
using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>Sets a settable (or init-only) property through a typed delegate: no boxing, no reflection per row.</summary>
internal sealed class PropertyBinding<T, TValue> : MemberBinding<T>
{
    readonly Action<T, TValue> _set;
    readonly CellReader<TValue> _read;

    public PropertyBinding(string column, PropertyInfo property)
        : base(column, $"{typeof(T).Name}.{property.Name} ({MappingErrors.Describe(typeof(TValue))})")
    {
        _read = Cell<TValue>.Read ?? throw MappingErrors.UnsupportedMember(column, Member);
        _set = property.SetMethod!.CreateDelegate<Action<T, TValue>>();
    }

    public override void Read(ref Utf8JsonReader reader, T target) => _set(target, _read(ref reader));
}
