namespace Atoll.Server.Catalog;

/// <summary>
/// The first-start rule both catalogs follow: the oldest account is the default one (created when there is none), and
/// there is exactly one admin token — the one given, or a generated one when none was given and none exists.
/// </summary>
internal static class CatalogBootstrap
{
    /// <summary>Applies the rule to what <paramref name="mirror"/> holds, writing through the given steps.</summary>
    public static async ValueTask<(Account Account, string? GeneratedToken)> RunAsync(CatalogMirror mirror, string defaultAccountName,
        string? adminToken, Func<Account, ValueTask> insertAccount, Func<ApiToken, ValueTask> insertToken, Func<ApiToken, ValueTask> deleteToken)
    {
        var account = mirror.OldestAccount;
        if (account is null)
        {
            account = CatalogRows.NewAccount(defaultAccountName);
            await insertAccount(account).ConfigureAwait(false);
        }
        var admin = mirror.AdminToken;
        string? generated = null;
        if (adminToken is not null)
        {
            if (admin is null || admin.Hash != CatalogRows.Hash(adminToken))
            {
                if (admin is not null) await deleteToken(admin).ConfigureAwait(false);
                await insertToken(NewAdmin(account, adminToken)).ConfigureAwait(false);
            }
        }
        else if (admin is null)
        {
            generated = CatalogRows.NewSecret();
            await insertToken(NewAdmin(account, generated)).ConfigureAwait(false);
        }
        return (account, generated);
    }

    static ApiToken NewAdmin(Account account, string value)
        => CatalogRows.NewToken(account.Id, "admin", value, TokenPermission.Edit, null, isAdmin: true);
}
