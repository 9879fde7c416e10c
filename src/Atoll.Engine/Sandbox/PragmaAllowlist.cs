using System.Collections.Frozen;

namespace Atoll.Engine.Sandbox;

/// <summary>The PRAGMAs D1 lets user SQL run; every other PRAGMA is denied.</summary>
/// <seealso href="https://developers.cloudflare.com/d1/sql-api/sql-statements/"/>
internal static class PragmaAllowlist
{
    /// <summary>Introspection pragmas: allowed with or without an argument.</summary>
    static readonly FrozenSet<string> Introspection = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "table_list", "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
        "quick_check", "foreign_key_check", "foreign_key_list", "data_version");

    /// <summary>Boolean settings: allowed to read, or to set to a boolean spelling.</summary>
    internal static readonly FrozenSet<string> Settings = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "case_sensitive_like", "ignore_check_constraints", "legacy_alter_table", "recursive_triggers",
        "reverse_unordered_selects", "foreign_keys", "defer_foreign_keys");

    static readonly FrozenSet<string> Booleans = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "true", "false", "yes", "no", "on", "off", "1", "0");

    /// <summary>True when <paramref name="name"/> with <paramref name="argument"/> may run.</summary>
    public static bool IsAllowed(string name, string? argument)
    {
        if (Introspection.Contains(name)) return true;
        if (Settings.Contains(name)) return argument is null || Booleans.Contains(argument.Trim('\'', '"'));
        return name.ToLowerInvariant() switch
        {
            "optimize" => argument is null || argument.Trim() != "-1",
            "page_size" => argument is null,
            _ => false,
        };
    }

    /// <summary>True when the PRAGMA only reads: introspection, or a setting or page size queried without an argument.</summary>
    public static bool IsReadOnly(string name, string? argument)
        => Introspection.Contains(name) || (argument is null && (Settings.Contains(name) || name.Equals("page_size", StringComparison.OrdinalIgnoreCase)));
}
