using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>Rows to a type built through its constructor (positional records): each parameter takes the column of the same name.</summary>
internal sealed class ConstructorPlan<T>(Func<object?[], T> create, object?[] defaults, ArgumentBinding?[] bindings) : RowPlan<T>
{
    public override T Read(ref Utf8JsonReader reader)
    {
        var arguments = (object?[])defaults.Clone();
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
                arguments[binding.Position] = binding.Read(ref reader);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException)
            {
                throw MappingErrors.Mismatch(binding.Column, binding.Member, ref reader, ex);
            }
        }
        return create(arguments);
    }
}
