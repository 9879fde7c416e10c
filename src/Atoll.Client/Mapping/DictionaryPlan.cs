using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>Rows to <c>Dictionary&lt;string, object?&gt;</c> (as a <typeparamref name="T"/> it implements); a duplicate column name keeps the last value, as D1's objects do.</summary>
internal sealed class DictionaryPlan<T>(string[] columns) : RowPlan<T>
{
    public override T Read(ref Utf8JsonReader reader)
    {
        var row = new Dictionary<string, object?>(columns.Length, StringComparer.Ordinal);
        for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
            row[columns[i]] = CellReaders.ReadObject(ref reader);
        return (T)(object)row;
    }
}
