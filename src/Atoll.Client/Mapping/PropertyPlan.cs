using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>Rows to a class with a parameterless constructor: each column sets the property of the same name; other columns are ignored.</summary>
internal sealed class PropertyPlan<T>(Func<T> create, MemberBinding<T>?[] bindings) : RowPlan<T>
{
    public override T Read(ref Utf8JsonReader reader)
    {
        var target = create();
        for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
        {
            var binding = i < bindings.Length ? bindings[i] : null;
            if (binding is null)
            {
                reader.Skip();
                continue;
            }
            try
            {
                binding.Read(ref reader, target);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException)
            {
                throw MappingErrors.Mismatch(binding.Column, binding.Member, ref reader, ex);
            }
        }
        return target;
    }
}
