using System.Text.Json;

namespace Atoll.Client.Mapping;

/// <summary>How rows with one particular column list become <typeparamref name="T"/>: built once per (type, columns) and cached.</summary>
internal abstract class RowPlan<T>
{
    /// <summary>Reads one row; the reader is on the row's <c>StartArray</c> and is left on its <c>EndArray</c>.</summary>
    /// <exception cref="InvalidCastException">A cell does not fit its member; the message names both.</exception>
    public abstract T Read(ref Utf8JsonReader reader);

    /// <summary>Moves past the rest of a row's cells, onto its <c>EndArray</c>.</summary>
    protected static void SkipRest(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) reader.Skip();
    }
}
