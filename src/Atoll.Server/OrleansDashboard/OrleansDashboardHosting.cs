using Atoll.Server.Api;
using Orleans.Dashboard;

namespace Atoll.Server.OrleansDashboard;

/// <summary>Puts Orleans' dashboard on the silo and under <see cref="OrleansDashboardOptions.Path"/>, behind the admin token; nothing when off.</summary>
public static class OrleansDashboardHosting
{
    /// <summary>Registers the dashboard's silo parts (its grains, the grain-call profiling filter, the log stream) when enabled.</summary>
    public static ISiloBuilder AddAtollOrleansDashboard(this ISiloBuilder silo, OrleansDashboardOptions options)
        => options.Enabled ? silo.AddDashboard() : silo;

    /// <summary>Maps the page, its assets and its JSON endpoints when enabled, each behind <see cref="AdminCredentialFilter"/>.</summary>
    public static IEndpointRouteBuilder MapAtollOrleansDashboard(this IEndpointRouteBuilder app, OrleansDashboardOptions options)
    {
        if (!options.Enabled) return app;
        // The filter sits on the group Orleans returns, so it covers every endpoint the package maps under the prefix; the
        // catch-all makes any other path or method there ask for the credential too before it answers 404.
        var dashboard = app.MapOrleansDashboard(options.RoutePrefix);
        dashboard.Map("/{**rest}", Envelope.NoRoute);
        dashboard.AddEndpointFilter<AdminCredentialFilter>().ExcludeFromDescription();
        return app;
    }
}
