using System.Globalization;
using System.Text.Json;

namespace Atoll.Client.Embedded;

/// <summary>What the data directory keeps about one database, in <c>&lt;name&gt;/database.json</c> beside its <c>db.sqlite</c>.</summary>
internal sealed record EmbeddedRecord(string Uuid, string Name, DateTimeOffset CreatedAt)
{
    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("uuid", Uuid);
            json.WriteString("name", Name);
            json.WriteString("created_at", CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>Reads a record; null when the file is missing or not a record.</summary>
    public static EmbeddedRecord? Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            return new EmbeddedRecord(root.GetProperty("uuid").GetString()!, root.GetProperty("name").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("created_at").GetString()!, CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
