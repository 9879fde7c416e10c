using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>Rows to a single value: the first column, as Dapper does for <c>Query&lt;long&gt;</c>.</summary>
internal sealed class ScalarPlan<T>(string column, CellReader<T> read) : RowPlan<T>
{
    static readonly bool NullIsDefault = !typeof(T).IsValueType || Nullable.GetUnderlyingType(typeof(T)) is not null;

    public override T Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray) return default!;
        T value;
        if (reader.TokenType == JsonTokenType.Null && NullIsDefault) value = default!;
        else
        {
            try
            {
                value = read(ref reader);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException)
            {
                throw MappingErrors.Mismatch(column, MappingErrors.Describe(typeof(T)), ref reader, ex);
            }
        }
        SkipRest(ref reader);
        return value;
    }
}
