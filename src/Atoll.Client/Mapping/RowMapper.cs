using System.Text.Json;
using Atoll.Client.Protocol;

namespace Atoll.Client.Mapping;

/// <summary>Maps a statement's encoded rows to what each binding method returns.</summary>
internal static class RowMapper
{
    /// <summary>Every row as a <typeparamref name="T"/>.</summary>
    public static IReadOnlyList<T> MapAll<T>(StatementResult result)
    {
        if (result.RowCount == 0) return [];
        if (typeof(T) == typeof(JsonElement)) return (IReadOnlyList<T>)(object)JsonRows.Build(result, int.MaxValue);
        var plan = PlanCache<T>.For(result.Columns);
        var items = new T[result.RowCount];
        var reader = new Utf8JsonReader(result.Rows.Span);
        reader.Read();
        for (var i = 0; i < items.Length && reader.Read(); i++) items[i] = plan.Read(ref reader);
        return items;
    }

    /// <summary>The first row as a <typeparamref name="T"/>, or default when there are no rows.</summary>
    public static T? MapFirst<T>(StatementResult result)
    {
        if (result.RowCount == 0) return default;
        if (typeof(T) == typeof(JsonElement)) return (T)(object)JsonRows.Build(result, 1)[0];
        var plan = PlanCache<T>.For(result.Columns);
        var reader = new Utf8JsonReader(result.Rows.Span);
        reader.Read();
        reader.Read();
        return plan.Read(ref reader);
    }

    /// <summary>One column of the first row; default when there are no rows or the value is NULL.</summary>
    /// <exception cref="D1Exception"><c>D1_COLUMN_NOTFOUND</c> when there is a row but no such column.</exception>
    public static T? MapFirstColumn<T>(StatementResult result, string column)
    {
        if (result.RowCount == 0) return default;
        var index = Array.LastIndexOf(result.Columns, column); // a duplicate name reads the last one, as D1's row object does
        if (index < 0) throw new D1Exception(D1ErrorCodes.ColumnNotFound, $"Column not found ({column})");
        var read = Cell<T>.Read ?? throw new InvalidCastException(
            $"FirstAsync<{typeof(T).Name}>(\"{column}\") needs a single-value type (a number, string, byte[], bool, date, Guid, enum, JsonElement or object).");
        var reader = new Utf8JsonReader(result.Rows.Span);
        reader.Read();
        reader.Read();
        for (var i = 0; i <= index; i++)
        {
            reader.Read();
            if (i < index) reader.Skip();
        }
        if (reader.TokenType == JsonTokenType.Null) return default;
        try
        {
            return read(ref reader);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException)
        {
            throw MappingErrors.Mismatch(column, MappingErrors.Describe(typeof(T)), ref reader, ex);
        }
    }

    /// <summary>Rows as arrays of values; with <paramref name="columnNames"/>, the column names first (even with no rows).</summary>
    public static IReadOnlyList<object?[]> MapRaw(StatementResult result, bool columnNames)
    {
        var rows = new List<object?[]>(result.RowCount + 1);
        if (columnNames) rows.Add([.. result.Columns]);
        var reader = new Utf8JsonReader(result.Rows.Span);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            var row = new object?[result.Columns.Length];
            for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++) row[i] = CellReaders.ReadObject(ref reader);
            rows.Add(row);
        }
        return rows;
    }
}
