using System.Text.RegularExpressions;

namespace Atoll.Client;

/// <summary>Settings of <see cref="IAtollAdmin"/> and <see cref="ITenantDatabases"/>: where Atoll is, and how tenants' databases are named.</summary>
/// <remarks>Bound from the configuration section <c>AtollAdmin</c>.</remarks>
public sealed partial class AtollAdminOptions : AtollConnectionOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "AtollAdmin";

    /// <summary>Prepended to a tenant's name to name its database (default <c>tenant-</c>).</summary>
    public string TenantDatabasePrefix { get; set; } = "tenant-";

    /// <summary>Create a tenant's database on first use (default true).</summary>
    public bool CreateTenantDatabases { get; set; } = true;

    [GeneratedRegex("^[a-zA-Z0-9_-]*$")]
    private static partial Regex PrefixPattern();

    /// <inheritdoc/>
    public override IReadOnlyList<string> Validate(string path)
    {
        var problems = new List<string>(base.Validate(path));
        if (TenantDatabasePrefix is null || !PrefixPattern().IsMatch(TenantDatabasePrefix))
            problems.Add($"{path}:TenantDatabasePrefix may hold only letters, digits, '_' and '-'.");
        return problems;
    }
}
