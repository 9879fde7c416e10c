namespace Atoll.Cli.Migrations;

/// <summary>One migration file: its name as wrangler records it (the path relative to the migrations folder, with /) and its SQL.</summary>
internal sealed record Migration(string Name, string Path)
{
    public string ReadSql() => File.ReadAllText(Path);
}
