using Atoll.Client.Admin;
using Atoll.Client.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Atoll.Client;

/// <summary>Registers D1 databases (as keyed services, one per binding name) and the admin API with dependency injection.</summary>
public static class D1ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the database binding <paramref name="name"/> as a keyed <see cref="ID1Database"/> singleton (inject it with
    /// <c>[FromKeyedServices("DB")]</c>); the first binding registered is also the unkeyed <see cref="ID1Database"/>. Options come from
    /// the configuration section <c>D1:&lt;name&gt;</c>, then <paramref name="configure"/>, and are validated at start-up with messages
    /// naming each setting.
    /// </summary>
    /// <example><code>builder.Services.AddD1Database("DB", o => o.DataDirectory = ".data");</code></example>
    public static IServiceCollection AddD1Database(this IServiceCollection services, string name, Action<D1DatabaseOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var section = $"{D1DatabaseOptions.Section}:{name}";
        var options = services.AddOptions<D1DatabaseOptions>(name).Configure<IServiceProvider>((o, provider) => Bind(provider, section, o));
        if (configure is not null) options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<D1DatabaseOptions>>(
            new ConnectionOptionsValidator<D1DatabaseOptions>(n => $"{D1DatabaseOptions.Section}:{n}")));
        var client = HttpClientName(name);
        services.AddHttpClient(client, http => http.Timeout = Timeout.InfiniteTimeSpan); // each attempt's timeout comes from the options
        services.AddKeyedSingleton<ID1Database>(name, (provider, _) =>
        {
            var settings = provider.GetRequiredService<IOptionsMonitor<D1DatabaseOptions>>().Get(name);
            var http = settings.Mode == AtollMode.Remote ? provider.GetRequiredService<IHttpClientFactory>().CreateClient(client) : null;
            return Connections.OpenDatabase(settings, section, http);
        });
        services.TryAddSingleton(provider => provider.GetRequiredKeyedService<ID1Database>(name));
        return services;
    }

    /// <summary>
    /// Registers <see cref="IAtollAdmin"/> and <see cref="ITenantDatabases"/> as singletons. Options come from the configuration section
    /// <c>AtollAdmin</c>, then <paramref name="configure"/>, validated at start-up.
    /// </summary>
    public static IServiceCollection AddAtollAdmin(this IServiceCollection services, Action<AtollAdminOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<AtollAdminOptions>().Configure<IServiceProvider>((o, provider) => Bind(provider, AtollAdminOptions.Section, o));
        if (configure is not null) options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AtollAdminOptions>>(
            new ConnectionOptionsValidator<AtollAdminOptions>(_ => AtollAdminOptions.Section)));
        const string client = "Atoll.Client.Admin";
        services.AddHttpClient(client, http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<IAdminBackend>(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<AtollAdminOptions>>().Value;
            var http = settings.Mode == AtollMode.Remote ? provider.GetRequiredService<IHttpClientFactory>().CreateClient(client) : null;
            return Connections.OpenAdmin(settings, AtollAdminOptions.Section, http);
        });
        services.TryAddSingleton<IAtollAdmin>(provider => provider.GetRequiredService<IAdminBackend>());
        services.TryAddSingleton<ITenantDatabases>(provider => Connections.Tenants(
            provider.GetRequiredService<IAdminBackend>(), provider.GetRequiredService<IOptions<AtollAdminOptions>>().Value));
        return services;
    }

    static string HttpClientName(string binding) => "Atoll.Client.D1." + binding;

    // Bound here rather than with BindConfiguration so that a container without IConfiguration (a console app, a test) still works.
    static void Bind(IServiceProvider provider, string section, object options)
        => provider.GetService<IConfiguration>()?.GetSection(section).Bind(options);
}
