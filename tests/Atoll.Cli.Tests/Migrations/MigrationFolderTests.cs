using Atoll.Cli.Migrations;

namespace Atoll.Cli.Tests.Migrations;

public sealed class MigrationFolderTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "atoll-migrations-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Migrations_are_ordered_by_leading_number_then_unnumbered_then_name_like_wrangler()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "3_drizzle"));
        foreach (var name in new[] { "10_a.sql", "2_b.sql", "notes.sql", "2_a.sql", "readme.txt" }) File.WriteAllText(Path.Combine(_dir, name), "");
        File.WriteAllText(Path.Combine(_dir, "3_drizzle", "migration.sql"), "");

        var names = new MigrationFolder(_dir).Migrations().Select(m => m.Name);

        Assert.Equal(["2_a.sql", "2_b.sql", "3_drizzle/migration.sql", "10_a.sql", "notes.sql"], names);
    }

    [Fact]
    public void Create_takes_the_next_number_after_the_highest()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "0041_old.sql"), "");

        var path = new MigrationFolder(_dir).Create("add users table", new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));

        Assert.Equal("0042_add_users_table.sql", Path.GetFileName(path));
        Assert.Equal("-- Migration number: 0042 \t 2026-12-04T10:00:00.000Z\n", File.ReadAllText(path));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
