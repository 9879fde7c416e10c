using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>An <see cref="ArgumentBinding"/> for a <typeparamref name="TValue"/> parameter.</summary>
internal sealed class ArgumentBinding<TValue>(string column, string member, int position) : ArgumentBinding(column, member, position)
{
    readonly CellReader<TValue> _read = Cell<TValue>.Read ?? throw MappingErrors.UnsupportedMember(column, member);

    public override object? Read(ref Utf8JsonReader reader) => _read(ref reader);
}
