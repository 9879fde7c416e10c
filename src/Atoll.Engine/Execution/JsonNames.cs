using System.Text.Encodings.Web;
using System.Text.Json;

namespace Atoll.Engine.Execution;

/// <summary>Pre-encoded JSON property names of D1's result objects, and the encoder that matches <c>JSON.stringify</c>.</summary>
internal static class JsonNames
{
    /// <summary>Non-ASCII text goes out as plain UTF-8, the way <c>JSON.stringify</c> writes it.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder, SkipValidation = true };

    public static readonly JsonEncodedText Results = JsonEncodedText.Encode("results");
    public static readonly JsonEncodedText Success = JsonEncodedText.Encode("success");
    public static readonly JsonEncodedText Meta = JsonEncodedText.Encode("meta");
    public static readonly JsonEncodedText Columns = JsonEncodedText.Encode("columns");
    public static readonly JsonEncodedText Rows = JsonEncodedText.Encode("rows");
    public static readonly JsonEncodedText ServedBy = JsonEncodedText.Encode("served_by");
    public static readonly JsonEncodedText ServedByRegion = JsonEncodedText.Encode("served_by_region");
    public static readonly JsonEncodedText ServedByPrimary = JsonEncodedText.Encode("served_by_primary");
    public static readonly JsonEncodedText ServedByColo = JsonEncodedText.Encode("served_by_colo");
    public static readonly JsonEncodedText Timings = JsonEncodedText.Encode("timings");
    public static readonly JsonEncodedText SqlDurationMs = JsonEncodedText.Encode("sql_duration_ms");
    public static readonly JsonEncodedText Duration = JsonEncodedText.Encode("duration");
    public static readonly JsonEncodedText Changes = JsonEncodedText.Encode("changes");
    public static readonly JsonEncodedText LastRowId = JsonEncodedText.Encode("last_row_id");
    public static readonly JsonEncodedText ChangedDb = JsonEncodedText.Encode("changed_db");
    public static readonly JsonEncodedText SizeAfter = JsonEncodedText.Encode("size_after");
    public static readonly JsonEncodedText RowsRead = JsonEncodedText.Encode("rows_read");
    public static readonly JsonEncodedText RowsWritten = JsonEncodedText.Encode("rows_written");
    public static readonly JsonEncodedText TotalAttempts = JsonEncodedText.Encode("total_attempts");
}
