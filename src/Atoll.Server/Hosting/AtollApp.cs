using System.Net;
using System.Net.Sockets;
using Atoll.Engine;
using Atoll.Server.Analytics;
using Atoll.Server.Api;
using Atoll.Server.Auth;
using Atoll.Server.Binding;
using Atoll.Server.Catalog;
using Atoll.Server.Export;
using Atoll.Server.Import;
using Atoll.Server.Transfers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Atoll.Engine.Storage;
using Atoll.Server.Storage;
using Atoll.Server.TimeTravel;
using Atoll.Server.Observability;
using Atoll.Server.Dashboard;
using Orleans.Configuration;
using Orleans.Serialization;

namespace Atoll.Server.Hosting;

/// <summary>Builds the Atoll server: configuration, the Orleans silo, the catalog and the HTTP APIs.</summary>
public static class AtollApp
{
    /// <summary>The address served when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8787";

    /// <summary>Builds the app from command-line <paramref name="args"/> (<c>--urls</c>, <c>--data-dir</c>, <c>--admin-token</c>, any <c>--Atoll:…</c>).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var environment = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("ATOLL_DATA_DIR") is { Length: > 0 } dataDir) environment["Atoll:DataDirectory"] = dataDir;
        if (Environment.GetEnvironmentVariable("ATOLL_ADMIN_TOKEN") is { Length: > 0 } adminToken) environment["Atoll:AdminToken"] = adminToken;
        builder.Configuration.AddInMemoryCollection(environment);
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
        {
            ["--data-dir"] = "Atoll:DataDirectory",
            ["--admin-token"] = "Atoll:AdminToken",
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var options = builder.Configuration.GetSection(AtollServerOptions.Section).Get<AtollServerOptions>() ?? new AtollServerOptions();
        options.Validate();
        var engine = builder.Configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        engine.Validate();

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(Options.Create(engine));
        builder.Services.AddSingleton(_ => new CatalogStore(Path.GetFullPath(options.DataDirectory)));
        builder.Services.AddSingleton<DatabaseFiles>();
        builder.Services.AddSingleton<TokenAuthenticator>();
        builder.Services.AddSingleton<RequestBody>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<QueryStats>();
        builder.Services.AddSingleton<OpenDatabases>();
        var timeTravel = builder.Configuration.GetSection(TimeTravelOptions.Section).Get<TimeTravelOptions>() ?? new TimeTravelOptions();
        var objectStore = builder.Configuration.GetSection(ObjectStoreOptions.Section).Get<ObjectStoreOptions>() ?? new ObjectStoreOptions();
        objectStore.Validate();
        builder.Services.AddSingleton(Options.Create(timeTravel));
        builder.Services.AddSingleton(Options.Create(objectStore));
        builder.Services.AddSingleton(_ => ObjectStore(objectStore, options));
        builder.Services.AddSingleton(services => new ChangeLogSettings(services.GetRequiredService<IOptions<TimeTravelOptions>>(),
            services.GetRequiredService<IOptions<ObjectStoreOptions>>(), services.GetService<ObjectStoreHolder>()?.Store,
            services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<TransferSigner>();
        builder.Services.AddSingleton<TransferFiles>();
        builder.Services.AddSingleton<TransferJobs>();

        builder.AddAtollObservability();
        builder.UseOrleans(silo =>
        {
            silo.AddActivityPropagation();
            silo.UseLocalhostClustering(
                siloPort: options.SiloPort == 0 ? FreePort() : options.SiloPort,
                gatewayPort: options.GatewayPort == 0 ? FreePort() : options.GatewayPort,
                serviceId: "atoll", clusterId: "atoll-local");
            silo.Configure<GrainCollectionOptions>(collection =>
            {
                collection.CollectionAge = options.IdleTimeout;
                collection.CollectionQuantum = TimeSpan.FromTicks(Math.Min(options.IdleTimeout.Ticks / 2, TimeSpan.FromMinutes(1).Ticks));
            });
            // Engine types cross grain calls as JSON; within one silo, immutable messages are not copied at all.
            silo.Services.AddSerializer(serializer => serializer.AddJsonSerializer(
                isSupported: type => type.Namespace?.StartsWith("Atoll.Engine", StringComparison.Ordinal) == true));
        });

        var app = builder.Build();
        app.UseMiddleware<ApiExceptionMiddleware>();
        app.UseAtollObservability().MapDashboard();
        app.MapGet("/healthz", () => Results.Json(new HealthStatus("ok"), ServerJson.Default.HealthStatus));
        app.MapAccountsApi();
        app.MapTokensApi();
        app.MapDatabasesApi();
        app.MapBindingApi();
        app.MapImportApi();
        app.MapExportApi();
        app.MapTransfersApi();
        app.MapGraphqlApi();
        app.MapTimeTravelApi();
        app.MapFallback((HttpRequest request) => BindingApi.IsBindingRequest(request) ? BindingApi.NoRoute(request)
            : Envelope.Error(StatusCodes.Status404NotFound, (int)D1ErrorCode.NoRoute, "No route for the URI"));
        Bootstrap(app, options);
        return app;
    }

    static void Bootstrap(WebApplication app, AtollServerOptions options)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Atoll");
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var catalog = app.Services.GetRequiredService<CatalogStore>();
        var (account, generated) = catalog.Bootstrap(options.DefaultAccountName, options.AdminToken);
        var tokenFile = Path.Combine(dataDirectory, "admin-token");
        if (generated is not null)
        {
            File.WriteAllText(tokenFile, generated + "\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            logger.LogInformation("Atoll listening on {Addresses}", string.Join(", ", addresses));
            logger.LogInformation("Data directory: {DataDirectory}", dataDirectory);
            logger.LogInformation("Default account: {AccountId} ({AccountName})", account.Id, account.Name);
            if (options.AdminToken is not null) logger.LogInformation("Admin token: taken from ATOLL_ADMIN_TOKEN / --admin-token");
            else logger.LogInformation("Admin token: in {TokenFile}{New}", tokenFile, generated is null ? "" : " (generated now)");
        });
    }

    /// <summary>The configured backup store: a folder (default <c>&lt;data&gt;/objects</c>), an S3 bucket, or none.</summary>
    static ObjectStoreHolder ObjectStore(ObjectStoreOptions store, AtollServerOptions options) => new(store.Kind switch
    {
        "S3" => new S3ObjectStore(store),
        "None" => null,
        _ => new FileSystemObjectStore(store.Path ?? Path.Combine(Path.GetFullPath(options.DataDirectory), "objects")),
    });

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
