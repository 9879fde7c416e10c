using System.Text.Json;

namespace Atoll.Client.Protocol;

/// <summary>
/// Reads D1 result arrays in the <c>ROWS_AND_COLUMNS</c> shape — <c>[{"results":{"columns":[…],"rows":[[…]]},"success":true,"meta":{…}},…]</c> —
/// keeping each statement's rows as a slice of the body, so rows are decoded once, straight into the caller's type.
/// </summary>
internal static class ResultReader
{
    /// <summary>Reads the array that starts at <paramref name="reader"/>'s current token, a <c>StartArray</c> inside <paramref name="body"/>.</summary>
    /// <exception cref="JsonException">The array is not made of D1 result objects.</exception>
    public static List<StatementResult> ReadArray(ReadOnlyMemory<byte> body, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected an array of results");
        var items = new List<StatementResult>();
        while (Next(ref reader) != JsonTokenType.EndArray) items.Add(ReadItem(body, ref reader));
        return items;
    }

    /// <summary>Reads a whole body that is just a result array (the embedded engine's output).</summary>
    public static List<StatementResult> ReadArray(ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span);
        Next(ref reader);
        return ReadArray(body, ref reader);
    }

    static StatementResult ReadItem(ReadOnlyMemory<byte> body, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("expected a result object");
        string[] columns = [];
        ReadOnlyMemory<byte> rows = default;
        var rowCount = 0;
        D1Meta? meta = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("results"u8))
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.StartObject) (columns, rows, rowCount) = ReadColumnsAndRows(body, ref reader);
                else reader.Skip();
            }
            else if (reader.ValueTextEquals("meta"u8))
            {
                Next(ref reader);
                meta = ReadMeta(ref reader);
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }
        meta ??= new D1Meta();
        return rows.IsEmpty ? StatementResult.Empty(meta) with { Columns = columns } : new StatementResult(columns, rows, rowCount, meta);
    }

    static (string[] Columns, ReadOnlyMemory<byte> Rows, int Count) ReadColumnsAndRows(ReadOnlyMemory<byte> body, ref Utf8JsonReader reader)
    {
        string[] columns = [];
        ReadOnlyMemory<byte> rows = default;
        var count = 0;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("columns"u8))
            {
                Next(ref reader);
                var names = new List<string>();
                while (Next(ref reader) != JsonTokenType.EndArray) names.Add(reader.GetString() ?? "");
                columns = [.. names];
            }
            else if (reader.ValueTextEquals("rows"u8))
            {
                Next(ref reader);
                if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("\"rows\" must be an array");
                var start = (int)reader.TokenStartIndex;
                while (Next(ref reader) != JsonTokenType.EndArray)
                {
                    reader.Skip();
                    count++;
                }
                rows = body[start..(int)reader.BytesConsumed];
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }
        return (columns, rows, count);
    }

    static D1Meta ReadMeta(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return new D1Meta();
        }
        double duration = 0;
        long changes = 0, lastRowId = 0, sizeAfter = 0, rowsRead = 0, rowsWritten = 0;
        var changedDb = false;
        string? servedBy = null, region = null;
        bool? primary = null;
        double? sqlDuration = null;
        var attempts = 1;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var name = reader;
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.Null) continue;
            if (name.ValueTextEquals("duration"u8)) duration = reader.GetDouble();
            else if (name.ValueTextEquals("changes"u8)) changes = reader.GetInt64();
            else if (name.ValueTextEquals("last_row_id"u8)) lastRowId = reader.GetInt64();
            else if (name.ValueTextEquals("changed_db"u8)) changedDb = reader.GetBoolean();
            else if (name.ValueTextEquals("size_after"u8)) sizeAfter = reader.GetInt64();
            else if (name.ValueTextEquals("rows_read"u8)) rowsRead = reader.GetInt64();
            else if (name.ValueTextEquals("rows_written"u8)) rowsWritten = reader.GetInt64();
            else if (name.ValueTextEquals("served_by"u8)) servedBy = reader.GetString();
            else if (name.ValueTextEquals("served_by_region"u8)) region = reader.GetString();
            else if (name.ValueTextEquals("served_by_primary"u8)) primary = reader.GetBoolean();
            else if (name.ValueTextEquals("total_attempts"u8)) attempts = reader.GetInt32();
            else if (name.ValueTextEquals("timings"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    var timing = reader;
                    Next(ref reader);
                    if (timing.ValueTextEquals("sql_duration_ms"u8) && reader.TokenType == JsonTokenType.Number) sqlDuration = reader.GetDouble();
                    else reader.Skip();
                }
            }
            else reader.Skip();
        }
        return new D1Meta
        {
            Duration = duration, Changes = changes, LastRowId = lastRowId, ChangedDb = changedDb, SizeAfter = sizeAfter,
            RowsRead = rowsRead, RowsWritten = rowsWritten, ServedBy = servedBy, ServedByRegion = region, ServedByPrimary = primary,
            SqlDurationMs = sqlDuration, TotalAttempts = attempts,
        };
    }

    static JsonTokenType Next(ref Utf8JsonReader reader)
        => reader.Read() ? reader.TokenType : throw new JsonException("the JSON ends early");
}
