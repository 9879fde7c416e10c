using System.Text.Json;
using Atoll.Engine;
using Atoll.Server.Catalog;

namespace Atoll.Server.Api;

/// <summary>Writes D1's database object, optionally only the requested <c>fields</c>.</summary>
public static class DatabaseJson
{
    /// <summary>Every field a <c>fields</c> filter may name.</summary>
    public static readonly IReadOnlySet<string> AllFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "uuid", "name", "created_at", "version", "num_tables", "file_size", "running_in_region", "read_replication", "jurisdiction",
    };

    /// <summary>Writes the object for <paramref name="record"/>, using <paramref name="stats"/> when the grain measured it just now.</summary>
    public static void Write(Utf8JsonWriter json, DatabaseRecord record, DatabaseStats? stats = null, IReadOnlySet<string>? fields = null)
    {
        bool Want(string field) => fields is null || fields.Contains(field);
        json.WriteStartObject();
        if (Want("uuid")) json.WriteString("uuid", record.Uuid);
        if (Want("name")) json.WriteString("name", record.Name);
        if (Want("created_at")) json.WriteString("created_at", record.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
        if (Want("version")) json.WriteString("version", "production");
        if (Want("num_tables")) json.WriteNumber("num_tables", stats?.NumTables ?? record.NumTables);
        if (Want("file_size")) json.WriteNumber("file_size", stats?.FileSize ?? record.FileSize);
        if (Want("running_in_region") && record.LocationHint is { } hint) json.WriteString("running_in_region", hint.ToUpperInvariant());
        if (Want("read_replication"))
        {
            json.WriteStartObject("read_replication");
            json.WriteString("mode", record.ReadReplication);
            json.WriteEndObject();
        }
        if (Want("jurisdiction"))
        {
            if (record.Jurisdiction is null) json.WriteNull("jurisdiction");
            else json.WriteString("jurisdiction", record.Jurisdiction);
        }
        json.WriteEndObject();
    }

    /// <summary>Parses <c>fields</c> given as <c>a,b</c> or repeated (<c>fields=a&amp;fields=b</c>); null when absent.</summary>
    /// <exception cref="ApiException">400 naming an unknown field.</exception>
    public static IReadOnlySet<string>? ParseFields(HttpRequest request)
    {
        if (!request.Query.TryGetValue("fields", out var values)) return null;
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
            foreach (var field in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                fields.Add(AllFields.Contains(field) ? field : throw ApiException.BadRequest(
                    $"Unknown field '{field}'; fields may be: {string.Join(", ", AllFields)}"));
        return fields.Count == 0 ? null : fields;
    }
}
