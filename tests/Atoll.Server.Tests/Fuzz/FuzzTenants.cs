namespace Atoll.Server.Tests.Fuzz;

/// <summary>
/// What the fuzzer aims at: a tenant account with a few databases and tokens (an account editor, a read token, a token scoped to one
/// database), and a second tenant whose database holds a secret that no request without its token (or the admin's) may ever see.
/// The second tenant's token reads only, so the secret stays in place for the whole run.
/// </summary>
public sealed record FuzzTenants(
    string AccountId,
    string AdminToken,
    string TenantToken,
    string ReadToken,
    string ScopedToken,
    IReadOnlyList<(string Uuid, string Name)> Databases,
    string OtherAccountId,
    string OtherToken,
    string OtherDatabase,
    string Secret);
