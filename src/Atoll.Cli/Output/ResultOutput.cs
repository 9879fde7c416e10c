using System.Globalization;
using System.Text;
using System.Text.Json;
using Atoll.Client;
using Spectre.Console;

namespace Atoll.Cli.Output;

/// <summary>Statement results (rows as JSON objects, exact integers) as a table, D1's JSON result array, or CSV.</summary>
internal static class ResultOutput
{
    /// <summary>D1's <c>/query</c> result item: <c>{"results": [...], "success": true, "meta": {...}}</c>, as <c>wrangler d1 execute --json</c> prints it.</summary>
    public static void WriteJson(Utf8JsonWriter json, D1Result<JsonElement> result)
    {
        json.WriteStartObject();
        json.WriteStartArray("results");
        foreach (var row in result.Results) row.WriteTo(json);
        json.WriteEndArray();
        json.WriteBoolean("success", true);
        json.WriteStartObject("meta");
        var meta = result.Meta;
        json.WriteString("served_by", meta.ServedBy);
        json.WriteNumber("duration", meta.Duration);
        json.WriteNumber("changes", meta.Changes);
        json.WriteNumber("last_row_id", meta.LastRowId);
        json.WriteBoolean("changed_db", meta.ChangedDb);
        json.WriteNumber("size_after", meta.SizeAfter);
        json.WriteNumber("rows_read", meta.RowsRead);
        json.WriteNumber("rows_written", meta.RowsWritten);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    public static Table Table(D1Result<JsonElement> result)
    {
        var table = new Table();
        foreach (var column in result.Columns) table.AddColumn(new TableColumn(Markup.Escape(column)));
        foreach (var row in result.Results)
            table.AddRow([.. result.Columns.Select(c => Markup.Escape(Cell(row, c)))]);
        return table;
    }

    public static string Csv(D1Result<JsonElement> result)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', result.Columns.Select(Quote)).Append('\n');
        foreach (var row in result.Results) text.AppendJoin(',', result.Columns.Select(c => Quote(Cell(row, c)))).Append('\n');
        return text.ToString();
    }

    /// <summary>A summary for statements that return no rows (D1's meta in a line).</summary>
    public static string Summary(D1Result<JsonElement> result)
        => string.Create(CultureInfo.InvariantCulture,
            $"{result.Meta.Changes} changed, {result.Meta.RowsRead} rows read, {result.Meta.RowsWritten} written, last_row_id {result.Meta.LastRowId}");

    static string Cell(JsonElement row, string column)
    {
        if (!row.TryGetProperty(column, out var value)) return "";
        return value.ValueKind switch
        {
            JsonValueKind.Null => "NULL",
            JsonValueKind.String => value.GetString()!,
            _ => value.GetRawText(),
        };
    }

    static string Quote(string value)
        => value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
