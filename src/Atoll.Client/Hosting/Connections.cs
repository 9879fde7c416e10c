using Atoll.Client.Admin;
using Atoll.Client.Binding;
using Atoll.Client.Embedded;
using Atoll.Client.Remote;

namespace Atoll.Client.Hosting;

/// <summary>Builds databases and admins from options: the one place that picks the embedded or the remote transport.</summary>
internal static class Connections
{
    /// <exception cref="ArgumentException">The options are not usable; the message lists every problem.</exception>
    public static ID1Database OpenDatabase(D1DatabaseOptions options, string path, HttpClient? http)
    {
        ThrowIfInvalid(options.Validate(path));
        if (options.Mode == AtollMode.Embedded)
        {
            var store = new EmbeddedStore(options.DataDirectory!, options.Engine, options.ChangeLog);
            return new BindingDatabase(new EmbeddedTransport(() => store.Open(options.Database!, options.CreateIfMissing)));
        }
        var connection = new RemoteConnection(http ?? NewHttpClient(), ownsHttp: http is null, options);
        var admin = new RemoteAdmin(connection, ownsConnection: false);
        return new BindingDatabase(new RemoteTransport(connection, admin, options.Database!, options.CreateIfMissing, ownsConnection: true));
    }

    /// <exception cref="ArgumentException">The options are not usable; the message lists every problem.</exception>
    public static IAdminBackend OpenAdmin(AtollAdminOptions options, string path, HttpClient? http)
    {
        ThrowIfInvalid(options.Validate(path));
        return options.Mode == AtollMode.Embedded
            ? new EmbeddedAdmin(new EmbeddedStore(options.DataDirectory!, options.Engine, options.ChangeLog))
            : new RemoteAdmin(new RemoteConnection(http ?? NewHttpClient(), ownsHttp: http is null, options), ownsConnection: true);
    }

    /// <exception cref="ArgumentException">The options are not usable, or not for a remote server.</exception>
    public static AtollServerApi OpenServer(AtollAdminOptions options, string path, HttpClient? http)
    {
        if (options.Mode != AtollMode.Remote) throw new ArgumentException($"{path}:Mode must be Remote: the server API talks to an Atoll server.", nameof(options));
        ThrowIfInvalid(options.Validate(path));
        return new AtollServerApi(new RemoteConnection(http ?? NewHttpClient(), ownsHttp: http is null, options));
    }

    public static ITenantDatabases Tenants(IAdminBackend admin, AtollAdminOptions options) => new TenantDatabases(admin, options);

    /// <summary>Keep-alive connections, renewed every few minutes so DNS changes are seen; timeouts come from the options, not HttpClient.</summary>
    static HttpClient NewHttpClient()
        => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = Timeout.InfiniteTimeSpan };

    static void ThrowIfInvalid(IReadOnlyList<string> problems)
    {
        if (problems.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, problems), "options");
    }
}
