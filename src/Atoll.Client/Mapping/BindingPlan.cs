using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>
/// A plan that reads each cell into a target through the column's binding (none: the column is skipped), then makes the row from
/// the target: the object itself for properties, the argument array for a constructor.
/// </summary>
internal abstract class BindingPlan<T, TTarget>(MemberBinding<TTarget>?[] bindings) : RowPlan<T>
{
    protected abstract TTarget Start();

    protected abstract T Finish(TTarget target);

    public sealed override T Read(ref Utf8JsonReader reader)
    {
        var target = Start();
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
        return Finish(target);
    }
}
