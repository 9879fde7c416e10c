using System.Globalization;

namespace Atoll.Cli.Migrations;

/// <summary>
/// wrangler's <c>migrations/</c> folder: <c>NNNN_message.sql</c> files (and drizzle's <c>NNNN_x/migration.sql</c>), applied in the
/// order of the leading number of the first path segment, numbered before unnumbered, ties by name.
/// </summary>
internal sealed class MigrationFolder(string directory)
{
    public string Directory { get; } = System.IO.Path.GetFullPath(directory);

    public IReadOnlyList<Migration> Migrations()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var files = System.IO.Directory.EnumerateFiles(Directory, "*.sql", SearchOption.TopDirectoryOnly)
            .Concat(System.IO.Directory.EnumerateDirectories(Directory).Select(d => System.IO.Path.Combine(d, "migration.sql")).Where(File.Exists));
        return [.. files
            .Select(f => new Migration(System.IO.Path.GetRelativePath(Directory, f).Replace('\\', '/'), f))
            .OrderBy(m => Number(m.Name) is null ? 1 : 0)
            .ThenBy(m => Number(m.Name) ?? 0)
            .ThenBy(m => m.Name, StringComparer.Ordinal)];
    }

    /// <summary>Writes the next <c>NNNN_message.sql</c> with wrangler's header line; returns its path.</summary>
    public string Create(string message, DateTimeOffset now)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var next = Migrations().Select(m => Number(m.Name) ?? 0).DefaultIfEmpty(0).Max() + 1;
        var number = next.ToString("0000", CultureInfo.InvariantCulture);
        var path = System.IO.Path.Combine(Directory, $"{number}_{message.Trim().Replace(' ', '_')}.sql");
        File.WriteAllText(path, $"-- Migration number: {number} \t {now.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}\n");
        return path;
    }

    /// <summary>The leading integer of the first path segment (<c>0007_x.sql</c> → 7), as wrangler's parseInt reads it.</summary>
    static int? Number(string name)
    {
        var first = name.Split('/')[0].Split('_')[0];
        var digits = first.TakeWhile(char.IsAsciiDigit).Count();
        return digits > 0 && int.TryParse(first.AsSpan(0, Math.Min(digits, 9)), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
