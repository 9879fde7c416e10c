using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>Reads one column's cell into its slot of a constructor's argument array.</summary>
internal sealed class ArgumentBinding<TValue>(string column, string member, int position) : MemberBinding<object?[]>(column, member)
{
    readonly CellReader<TValue> _read = Cell<TValue>.Read ?? throw MappingErrors.UnsupportedMember(column, member);

    public override void Read(ref Utf8JsonReader reader, object?[] arguments) => arguments[position] = _read(ref reader);
}
