using System.Security.Cryptography;
using System.Text;

namespace Atoll.Engine.Tests.ChangeLog;

/// <summary>A hash of a database's logical content: its schema and every row of every table, in a fixed order.</summary>
internal static class ContentHash
{
    public static string Of(Database database)
    {
        var builder = new StringBuilder();
        var schema = Query(database, "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
        builder.Append(schema);
        using var tables = System.Text.Json.JsonDocument.Parse(Query(database,
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%\\_%' ESCAPE '\\' ORDER BY name"));
        foreach (var table in tables.RootElement.EnumerateArray())
        {
            var name = table.GetProperty("name").GetString()!;
            builder.Append(name).Append(Query(database, $"SELECT * FROM \"{name}\" ORDER BY rowid"));
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    static string Query(Database database, string sql)
    {
        using var json = System.Text.Json.JsonDocument.Parse(database.Execute(QueryRequest.Single(sql)).Json);
        return json.RootElement[0].GetProperty("results").GetRawText();
    }
}
