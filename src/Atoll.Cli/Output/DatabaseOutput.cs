using System.Globalization;
using System.Text.Json;
using Atoll.Client;
using Spectre.Console;

namespace Atoll.Cli.Output;

/// <summary>Databases for people (a table) and for scripts (D1's database object: uuid, name, created_at, num_tables, file_size).</summary>
internal static class DatabaseOutput
{
    public static void Write(Utf8JsonWriter json, D1DatabaseInfo info)
    {
        json.WriteStartObject();
        json.WriteString("uuid", info.Uuid);
        json.WriteString("name", info.Name);
        JsonTimestamp.Write(json, "created_at", info.CreatedAt);
        if (info.NumTables is { } tables) json.WriteNumber("num_tables", tables);
        if (info.FileSize is { } size) json.WriteNumber("file_size", size);
        json.WriteEndObject();
    }

    public static Table Table(IEnumerable<D1DatabaseInfo> databases)
    {
        var table = new Table().AddColumns("uuid", "name", "created_at", "tables", "size");
        foreach (var d in databases)
            table.AddRow(Markup.Escape(d.Uuid), Markup.Escape(d.Name), d.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                d.NumTables?.ToString(CultureInfo.InvariantCulture) ?? "", d.FileSize is { } s ? Size(s) : "");
        return table;
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} kB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };
}
