using Atoll.Engine.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Atoll.Server.Observability;

/// <summary>
/// Wires metrics (<c>/metrics</c>, Prometheus text), traces and OTLP export (when configured), request ids,
/// <c>/readyz</c> and the OpenAPI document.
/// </summary>
public static class ObservabilityExtensions
{
    /// <summary>Registers the instruments, OpenTelemetry and OpenAPI.</summary>
    public static WebApplicationBuilder AddAtollObservability(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Atoll").Get<ObservabilityOptions>() ?? new ObservabilityOptions();
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<QueryTelemetry>();
        builder.Services.AddSingleton<DatabaseSamples>();
        builder.Services.AddOpenApi();

        var otlp = options.Otlp.Endpoint ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("atoll"))
            .WithMetrics(metrics => metrics
                // ASP.NET Core's own meters: request duration by route template and status, Kestrel connections.
                .AddMeter(ServerMetrics.MeterName, EngineMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                // No scrape cache: each scrape shows the counts as they are (two scrapes in a row must differ after traffic).
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        if (!string.IsNullOrEmpty(otlp))
        {
            // Spans only when someone collects them: HTTP (ASP.NET Core) → grain call (Orleans) → query (Atoll).
            telemetry.WithTracing(tracing => tracing.AddSource("Microsoft.AspNetCore", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application",
                ServerMetrics.ActivitySourceName));
            telemetry.UseOtlpExporter(options.Otlp.Protocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc, new Uri(otlp));
        }
        return builder;
    }

    /// <summary>Adds request ids to every response, and maps <c>/metrics</c>, <c>/readyz</c> and <c>/openapi/v1.json</c>.</summary>
    public static WebApplication UseAtollObservability(this WebApplication app)
    {
        app.Services.GetRequiredService<ServerMetrics>(); // its gauges exist once it does
        app.Use((context, next) =>
        {
            // On start, not now: an error envelope clears the headers before it is written.
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                http.Response.Headers["x-request-id"] = http.TraceIdentifier;
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/readyz", Ready).WithTags("Health").WithSummary("Ready to serve: started and not stopping.");
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }

    static IResult Ready(IHostApplicationLifetime lifetime)
    {
        // Started means Kestrel listens and the Orleans silo is up (the silo starts before the server does).
        var status = !lifetime.ApplicationStarted.IsCancellationRequested ? "starting"
            : lifetime.ApplicationStopping.IsCancellationRequested ? "stopping" : "ok";
        return Results.Json(new Hosting.HealthStatus(status), Hosting.ServerJson.Default.HealthStatus,
            statusCode: status == "ok" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
