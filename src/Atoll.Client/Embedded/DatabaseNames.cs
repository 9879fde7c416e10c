using System.Text.RegularExpressions;

namespace Atoll.Client.Embedded;

/// <summary>D1's rule for database names, which the embedded data directory also uses as folder names.</summary>
internal static partial class DatabaseNames
{
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public const string Rule = "a database name must start with a letter or digit and contain only letters, digits, '_' and '-' (at most 255)";
}
