namespace Atoll.Server.Catalog;

/// <summary>An API token, stored hashed. Scoped to one account, optionally to listed databases; the admin token sees every account.</summary>
public sealed record ApiToken(
    string Id,
    string AccountId,
    string Name,
    string Hash,
    TokenPermission Permission,
    IReadOnlyList<string>? Databases,
    bool IsAdmin,
    DateTimeOffset CreatedAt)
{
    /// <summary>True when the token may act on <paramref name="accountId"/>.</summary>
    public bool CanUseAccount(string accountId) => IsAdmin || AccountId == accountId;

    /// <summary>True when the token may reach the database with <paramref name="uuid"/>.</summary>
    public bool CanUseDatabase(string uuid) => Databases is null || Databases.Contains(uuid, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the token may manage the whole account (create databases and tokens).</summary>
    public bool IsAccountEditor => Permission == TokenPermission.Edit && Databases is null;
}
