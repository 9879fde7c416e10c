using System.Net;
using System.Net.Sockets;
using Atoll.Engine;
using Atoll.Server.Analytics;
using Atoll.Server.Api;
using Atoll.Server.Auth;
using Atoll.Server.Binding;
using Atoll.Server.Catalog;
using Atoll.Server.Cluster;
using Atoll.Server.Export;
using Atoll.Server.Grains;
using Atoll.Server.Import;
using Atoll.Server.Replication;
using Atoll.Server.Transfers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Atoll.Engine.Storage;
using Atoll.Server.Storage;
using Atoll.Server.TimeTravel;
using Atoll.Server.Observability;
using Atoll.Server.Dashboard;
using Atoll.Server.OrleansDashboard;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
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
        // No configuration reload: watching appsettings*.json means a recursive watch of the content root (the working
        // directory), and with the data directory below it (./.atoll by default) that is a watch and a directory scan for
        // every database folder created — memory and CPU per database for a reload Atoll does not use.
        var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
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
        builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            // Orleans 10's watchdog starts its platform thread before it stamps the component check's start time, so the
            // first check measures from 0 and warns "Participant check thread has not completed for <uptime>" on a
            // healthy start. Its other warnings (stalls) only feed cluster membership, which one localhost silo has not.
            .AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error)
            // ASP.NET Core logs nothing above Debug here, but while this category is enabled at any level it opens a log scope
            // and an Activity per request, which the grain call then propagates: measurable on a point query. Spans still
            // start when a tracer listens (OTLP, or an ActivityListener on "Microsoft.AspNetCore").
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None)
            // "Hosting failed to start" + a stack trace: ServerCommand reports a failed start as one line instead.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical)
            // Orleans' placement runs through a Polly pipeline that logs every execution at Information.
            .AddFilter("Polly", LogLevel.Warning);

        var options = builder.Configuration.GetSection(AtollServerOptions.Section).Get<AtollServerOptions>() ?? new AtollServerOptions();
        options.Validate();
        var engine = builder.Configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        // The node's region (D1's codes: WNAM, ENAM, WEUR, EEUR, APAC, OC), reported as served_by_region by the primary.
        if (builder.Configuration["Atoll:Region"] is { Length: > 0 } region) engine.Region = region;
        // The node's name, reported as served_by_colo (D1 reports the data centre there).
        if (builder.Configuration["Atoll:Node"] is { Length: > 0 } node) engine.Colo = node;
        var cluster = builder.Configuration.GetSection(ClusterNodeOptions.Section).Get<ClusterNodeOptions>() ?? new ClusterNodeOptions();
        cluster.Validate();
        var siloPort = options.SiloPort == 0 ? FreePort() : options.SiloPort;
        var gatewayPort = options.GatewayPort == 0 ? FreePort() : options.GatewayPort;
        if (cluster.Enabled)
        {
            engine.Colo = cluster.NodeName ?? builder.Configuration["Atoll:Node"] ?? $"{Environment.MachineName}-{siloPort}";
            if (cluster.Region is { Length: > 0 } clusterRegion) engine.Region = clusterRegion;
        }
        engine.Validate();
        var replication = builder.Configuration.GetSection(ReplicationOptions.Section).Get<ReplicationOptions>() ?? new ReplicationOptions();
        replication.Validate();
        var orleansDashboard = builder.Configuration.GetSection(OrleansDashboardOptions.Section).Get<OrleansDashboardOptions>() ?? new OrleansDashboardOptions();
        orleansDashboard.Validate();
        // SIGTERM: Kestrel stops accepting and lets requests in flight finish, then the silo closes every database.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(Options.Create(engine));
        builder.Services.AddSingleton(Options.Create(replication));
        builder.Services.AddSingleton(Options.Create(cluster));
        builder.Services.AddSingleton<FailoverRetry>();
        builder.Services.AddSingleton<ClusterNodes>();
        builder.Services.AddSingleton<DrainingNodes>();
        builder.Services.AddSingleton<NodeDrain>();
        // Cluster mode: SIGTERM hands the node's databases over before it stops, as a drain does (one node just stops).
        if (cluster.Enabled) builder.Services.AddHostedService(services => services.GetRequiredService<NodeDrain>());
        builder.Services.AddSingleton<ReplicaRouter>();
        builder.Services.AddSingleton<ReplicationCounters>();
        builder.Services.AddSingleton<ReplicaLags>();
        builder.Services.AddSingleton<ICatalog>(_ => new SqliteCatalog(Path.GetFullPath(options.DataDirectory)));
        builder.Services.AddSingleton(services => new TransferSigner(services.GetRequiredService<IOptions<AtollServerOptions>>(),
            services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ITransferOutcomes, NoTransferOutcomes>();
        // Cluster mode: the catalog, the ownership fence, the transfer URLs' secret and finished jobs' outcomes in PostgreSQL instead (its schema applied at the catalog's first use,
        // the bootstrap below: before the silo joins the membership table in the same database).
        if (cluster.Enabled) builder.Services.AddPostgresClusterStore(cluster.PostgresConnectionString!);
        builder.Services.AddSingleton<DatabaseFiles>();
        builder.Services.AddSingleton<TokenAuthenticator>();
        builder.Services.AddSingleton<RequestBody>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<QueryStats>();
        builder.Services.AddSingleton<OpenDatabases>();
        builder.Services.AddSingleton<QueryActivity>();
        builder.Services.AddSingleton<DatabaseGrains>();
        var timeTravel = builder.Configuration.GetSection(TimeTravelOptions.Section).Get<TimeTravelOptions>() ?? new TimeTravelOptions();
        var objectStore = builder.Configuration.GetSection(ObjectStoreOptions.Section).Get<ObjectStoreOptions>() ?? new ObjectStoreOptions();
        objectStore.Validate();
        if (cluster.Enabled) RequireSharedStore(objectStore, timeTravel);
        // Before anything touches the data: a second server on the same directory stops here. Created by the container
        // (below, first of all services) so it is disposed last, after every database closed.
        var dataLock = DataDirectoryLock.Acquire(Path.GetFullPath(options.DataDirectory));
        builder.Services.AddSingleton(_ => dataLock);
        builder.Services.AddSingleton(Options.Create(timeTravel));
        builder.Services.AddSingleton(Options.Create(objectStore));
        builder.Services.AddSingleton(_ => ObjectStore(objectStore, options));
        builder.Services.AddSingleton(services => new ChangeLogSettings(services.GetRequiredService<IOptions<TimeTravelOptions>>(),
            services.GetRequiredService<IOptions<ObjectStoreOptions>>(), services.GetService<ObjectStoreHolder>()?.Store,
            services.GetRequiredService<DatabaseFiles>(), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<ChangeLogSettings>>(),
            services.GetService<IOwnershipFence>(), clustered: cluster.Enabled));
        builder.Services.AddSingleton<TransferFiles>();
        builder.Services.AddSingleton<NodeFiles>();
        builder.Services.AddSingleton<TransferServices>();
        builder.Services.AddSingleton<TransferPolls>();
        builder.Services.AddSingleton<NodeTransferJobs>();

        builder.AddAtollObservability();
        builder.UseOrleans(silo =>
        {
            silo.AddActivityPropagation();
            if (cluster.Enabled) silo.UseAtollCluster(cluster, engine.Colo, engine.Region, siloPort, gatewayPort);
            else silo.UseLocalhostClustering(siloPort: siloPort, gatewayPort: gatewayPort, serviceId: "atoll", clusterId: "atoll-local")
                .Configure<SiloOptions>(silo => silo.SiloName = engine.Colo);
            silo.AddAtollOrleansDashboard(orleansDashboard);
            silo.AddPlacementDirector<RegionPlacementStrategy>(services =>
                new RegionPlacementDirector(services.GetRequiredService<ICatalog>(), services.GetService<ISiloMetadataCache>(),
                    services.GetRequiredService<DrainingNodes>()));
            silo.AddPlacementDirector<RequestNodePlacementStrategy>(services => new RequestNodePlacementDirector(services.GetRequiredService<DrainingNodes>()));
            silo.Configure<GrainCollectionOptions>(collection =>
            {
                collection.CollectionAge = options.IdleTimeout;
                collection.CollectionQuantum = TimeSpan.FromTicks(Math.Min(options.IdleTimeout.Ticks / 2, TimeSpan.FromMinutes(1).Ticks));
            });
            // The directory cache is preallocated for its capacity (1,000,000 by default: 9 MB) and keeps the address of
            // every grain it saw, deactivated ones too; one silo finds its own activations without it.
            silo.Configure<GrainDirectoryOptions>(directory => directory.CacheSize = 10_000);
            // A grain call must outlast the engine's own limits, so the user gets D1's time-limit or overloaded error
            // rather than Orleans' timeout (a 500): queue waits + the time limit + a durable upload, with a margin.
            silo.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = GrainCallTimeout(options, engine, objectStore));
            // Engine types cross grain calls as JSON; within one silo, immutable messages are not copied at all. Its
            // exception (D1Exception) has a surrogate of its own (Grains/D1ExceptionSurrogate).
            silo.Services.AddSerializer(serializer => serializer.AddJsonSerializer(
                isSupported: type => type.Namespace?.StartsWith("Atoll.Engine", StringComparison.Ordinal) == true
                    && !typeof(Exception).IsAssignableFrom(type),
                EngineTypesJson.Options));
        });

        var app = builder.Build();
        app.Services.GetRequiredService<DataDirectoryLock>();
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
        app.MapNodesApi();
        app.MapAtollOrleansDashboard(orleansDashboard);
        // "{*path}", not MapFallback's default "{*path:nonfile}": a path ending in a file name (…/x.sql) gets the envelope too.
        app.MapFallback("{*path}", (HttpRequest request) => BindingApi.IsBindingRequest(request) ? BindingApi.NoRoute(request)
            : Envelope.NoRoute());
        Bootstrap(app, options);
        return app;
    }

    static void Bootstrap(WebApplication app, AtollServerOptions options)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Atoll");
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var catalog = app.Services.GetRequiredService<ICatalog>();
        // Start-up, before the server accepts requests: the single-node catalog completes synchronously.
        var (account, generated) = catalog.BootstrapAsync(options.DefaultAccountName, options.AdminToken).AsTask().GetAwaiter().GetResult();
        app.Services.GetRequiredService<TransferSigner>(); // its secret read (or created) now, not in a request
        var tokenFile = Path.Combine(dataDirectory, "admin-token");
        if (generated is not null)
        {
            File.WriteAllText(tokenFile, generated + "\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        else if (options.AdminToken is not null && File.Exists(tokenFile) && File.ReadAllText(tokenFile).Trim() != options.AdminToken)
        {
            File.Delete(tokenFile); // it holds a token the one given now replaced: pointing anyone to it would mislead
        }
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            logger.LogInformation("Atoll listening on {Addresses}", string.Join(", ", addresses));
            logger.LogInformation("Data directory: {DataDirectory}", dataDirectory);
            logger.LogInformation("Default account: {AccountId} ({AccountName})", account.Id, account.Name);
            if (options.AdminToken is not null) logger.LogInformation("Admin token: the one given with ATOLL_ADMIN_TOKEN / --admin-token");
            else if (File.Exists(tokenFile)) logger.LogInformation("Admin token: in {TokenFile}{New}", tokenFile, generated is null ? "" : " (generated now)");
            else logger.LogInformation("Admin token: the one last given with ATOLL_ADMIN_TOKEN / --admin-token (only its hash is stored)");
        });
    }

    /// <summary>The configured backup store: a folder (default <c>&lt;data&gt;/objects</c>), an S3 bucket, or none.</summary>
    static ObjectStoreHolder ObjectStore(ObjectStoreOptions store, AtollServerOptions options) => new(store.Kind switch
    {
        "S3" => new S3ObjectStore(store),
        "None" => null,
        _ => new FileSystemObjectStore(store.Path ?? Path.Combine(Path.GetFullPath(options.DataDirectory), "objects")),
    });

    /// <summary>
    /// Cluster mode keeps history in a store every node reaches — an S3 bucket, or a folder all nodes mount (given
    /// explicitly: the default under the data directory is this node's own) — and acknowledges a write only once its log
    /// entry is there, so a node's loss loses nothing acknowledged.
    /// </summary>
    static void RequireSharedStore(ObjectStoreOptions store, TimeTravelOptions timeTravel)
    {
        if (!timeTravel.Enabled) throw new InvalidOperationException("Cluster mode needs the change log: Atoll:TimeTravel:Enabled must stay true.");
        if (store.Kind == "None" || (store.Kind == "FileSystem" && string.IsNullOrWhiteSpace(store.Path)))
            throw new InvalidOperationException(
                "Cluster mode needs a shared object store: Atoll:ObjectStore:Kind=S3 (with its Bucket), or FileSystem with a Path every node mounts.");
        store.WaitForUpload = true;
    }

    /// <summary>
    /// The longest a query's grain call can legitimately take: its wait for a reader, then for the writer, the engine's
    /// time limit on each, and (with <c>WaitForUpload</c>) the upload; never below Orleans' default of 30 s.
    /// </summary>
    internal static TimeSpan GrainCallTimeout(AtollServerOptions options, EngineOptions engine, ObjectStoreOptions store)
    {
        var longest = 2 * options.MaxQueueWait + 2 * engine.MaxRequestDuration + (store.WaitForUpload ? store.UploadTimeout : TimeSpan.Zero);
        return TimeSpan.FromTicks(Math.Max(longest.Ticks + TimeSpan.FromSeconds(30).Ticks, TimeSpan.FromSeconds(30).Ticks));
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
