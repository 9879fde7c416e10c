using Atoll.Client.Admin;
using Atoll.Client.Hosting;

namespace Atoll.Client;

/// <summary>Opens databases and admins without dependency injection (with it, use <see cref="D1ServiceCollectionExtensions"/>).</summary>
public static class D1Client
{
    /// <summary>Opens the database <paramref name="options"/> describe, embedded or remote.</summary>
    /// <param name="options">Where Atoll is and which database to use.</param>
    /// <param name="httpClient">Remote: the HttpClient to send with (not disposed with the database); one is made when null.</param>
    /// <exception cref="ArgumentException">The options are not usable; the message names each problem.</exception>
    public static ID1Database Open(D1DatabaseOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Connections.OpenDatabase(options, D1DatabaseOptions.Section, httpClient);
    }

    /// <summary>Opens the admin API <paramref name="options"/> describe, embedded or remote.</summary>
    /// <param name="options">Where Atoll is.</param>
    /// <param name="httpClient">Remote: the HttpClient to send with; one is made when null.</param>
    /// <exception cref="ArgumentException">The options are not usable; the message names each problem.</exception>
    public static IAtollAdmin OpenAdmin(AtollAdminOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Connections.OpenAdmin(options, AtollAdminOptions.Section, httpClient);
    }

    /// <summary>Opens the management API of the remote Atoll server <paramref name="options"/> describe (accounts, tokens, import, export, Time Travel).</summary>
    /// <param name="options">Where the server is (Mode Remote), the token, and optionally the account.</param>
    /// <param name="httpClient">The HttpClient to send with (not disposed with the API); one is made when null.</param>
    /// <exception cref="ArgumentException">The options are not usable or not remote; the message names each problem.</exception>
    public static AtollServerApi OpenServer(AtollAdminOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Connections.OpenServer(options, AtollAdminOptions.Section, httpClient);
    }

    /// <summary>A per-tenant resolver over an admin from <see cref="OpenAdmin"/>, naming databases as <paramref name="options"/> say.</summary>
    /// <exception cref="ArgumentException"><paramref name="admin"/> did not come from <see cref="OpenAdmin"/>.</exception>
    public static ITenantDatabases Tenants(IAtollAdmin admin, AtollAdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Connections.Tenants(admin as IAdminBackend ?? throw new ArgumentException("Pass an admin from D1Client.OpenAdmin.", nameof(admin)), options);
    }
}
