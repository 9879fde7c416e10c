using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Atoll.Engine;
using Atoll.Server.Observability;
using Atoll.Server.Tests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atoll.Dashboard.Tests;

/// <summary>Alone in the process: the engine's meter is process-wide, so counts are only exact with no other traffic.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ObservabilityCollection
{
    public const string Name = "observability";
}

[Collection(ObservabilityCollection.Name)]
public sealed partial class ObservabilityTests
{
    const string QueryRoute = "/client/v4/accounts/{accountId}/d1/database/{databaseId}/query";

    [Fact]
    public async Task Metrics_count_known_traffic_in_prometheus_format_without_per_database_labels()
    {
        await using var server = await AtollServer.StartAsync();
        var uuid = await server.CreateDatabaseAsync();
        await server.QueryAsync(uuid, new { sql = "CREATE TABLE t(x)" }); // opens the database, so what follows is steady state
        var before = await ScrapeAsync(server);

        Assert.True((await server.QueryAsync(uuid, new { sql = "INSERT INTO t VALUES (1), (2), (3)" })).Success);
        Assert.True((await server.QueryAsync(uuid, new { sql = "SELECT * FROM t" })).Success);
        Assert.True((await server.QueryAsync(uuid, new { sql = "SELECT * FROM t WHERE x > ?", @params = new[] { 0 } })).Success);
        Assert.False((await server.QueryAsync(uuid, new { sql = "SELEC 1" })).Success);
        var after = await ScrapeAsync(server);
        double Delta(string name, params string[] labels) => after.Sum(name, labels) - before.Sum(name, labels);

        Assert.Equal(1, Delta("atoll_queries_total", "kind=\"write\"", "outcome=\"ok\""));
        Assert.Equal(2, Delta("atoll_queries_total", "kind=\"read\"", "outcome=\"ok\""));
        Assert.Equal(1, Delta("atoll_queries_total", "outcome=\"error\""));
        Assert.Equal(2, Delta("atoll_query_duration_seconds_count", "kind=\"read\""));
        Assert.Equal(3, Delta("atoll_rows_written_total"));
        Assert.Equal(6, Delta("atoll_rows_read_total"));
        Assert.Equal(1, Delta("atoll_engine_commits_total"));
        Assert.True(Delta("atoll_engine_log_sync_duration_seconds_count") >= 1);
        Assert.True(after.Sum("atoll_databases_open") >= 1);
        Assert.True(after.Sum("atoll_databases_active") >= 1);
        Assert.Equal(0, after.Sum("atoll_engine_log_shipping_backlog") < 0 ? 1 : 0);
        // Requests by route template and status (ASP.NET Core's own meter).
        Assert.Equal(3, Delta("http_server_request_duration_seconds_count", $"http_route=\"{QueryRoute}\"", "http_response_status_code=\"200\""));
        Assert.Equal(1, Delta("http_server_request_duration_seconds_count", $"http_route=\"{QueryRoute}\"", "http_response_status_code=\"400\""));
        // Bounded cardinality: no series names a database.
        Assert.DoesNotContain(uuid, after.Text);
        Assert.Contains("# TYPE atoll_query_duration_seconds histogram", after.Text);
    }

    [Fact]
    public async Task The_openapi_document_lists_exactly_the_served_rest_endpoints()
    {
        await using var server = await AtollServer.StartAsync();
        var document = JsonDocument.Parse(await server.Client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).RootElement;
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => $"{method.Name.ToUpperInvariant()} {path.Name}"))
            .Order().ToList();

        var served = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<System.Reflection.MethodInfo>() is not null) // route handlers (not the /metrics middleware)
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>() is not null)
            .Where(e => !(e.RoutePattern.RawText ?? "").Contains('*')) // the 404 fallback
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(method => $"{method} {Normalize(e.RoutePattern.RawText!)}"))
            .Distinct().Order().ToList();

        Assert.Equal(served, documented);
        Assert.Contains("POST /client/v4/accounts/{accountId}/d1/database/{databaseId}/query", documented);
        Assert.Contains("GET /client/v4/accounts/{accountId}/d1/database/{databaseId}/time_travel/timeline", documented);
        Assert.Contains("GET /readyz", documented);
    }

    [Fact]
    public async Task Health_readiness_request_ids_and_the_dashboards_security_headers()
    {
        await using var server = await AtollServer.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var ready = await server.Client.GetAsync("/readyz", ct);
        Assert.Equal(200, (int)ready.StatusCode);
        Assert.Equal("{\"status\":\"ok\"}", await ready.Content.ReadAsStringAsync(ct));
        Assert.Equal(200, (int)(await server.Client.GetAsync("/healthz", ct)).StatusCode);

        // An error envelope keeps the v4 shape and carries the request id in a header.
        var failed = await server.Client.GetAsync($"{server.Databases()}/no-such-database", ct);
        var reply = await Reply.ReadAsync(failed);
        Assert.Equal(404, reply.Status);
        Assert.False(reply.Success);
        Assert.True(failed.Headers.TryGetValues("x-request-id", out var ids) && ids.Single().Length > 0, "x-request-id missing");

        var page = await server.NewClient(null).GetAsync("/", ct);
        Assert.Equal(200, (int)page.StatusCode);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("Set-Cookie", page.Headers.Select(h => h.Key));
        var html = await page.Content.ReadAsStringAsync(ct);
        Assert.Matches("<script type=\"module\" src=\"/dashboard/app.js\"></script>", html);
        Assert.DoesNotMatch("<script>", html); // no inline script for the policy to allow
        Assert.Equal(404, (int)(await server.NewClient(null).GetAsync("/dashboard/nope.js", ct)).StatusCode);
    }

    [Fact]
    public async Task A_query_s_span_belongs_to_the_http_request_s_trace_through_the_grain_or_not()
    {
        await using var server = await AtollServer.StartAsync();
        var uuid = await server.CreateDatabaseAsync();
        var spans = new System.Collections.Concurrent.ConcurrentBag<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or ServerMetrics.ActivitySourceName || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        // A write runs through the grain; a read of a database open in this process may skip the grain call: each query's
        // span must belong to its own request's trace either way.
        Assert.True((await server.QueryAsync(uuid, new { sql = "CREATE TABLE t(x)" })).Success);
        Assert.True((await server.QueryAsync(uuid, new { sql = "SELECT 1" })).Success);

        // Recorded only: a read tried directly that turned out to write hands over to the grain and exports nothing.
        var queries = spans.Where(s => s.Recorded && s.OperationName == "atoll.query" && (string?)s.GetTagItem("atoll.database") == uuid)
            .OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(2, queries.Count);
        Assert.NotEqual(queries[0].TraceId, queries[1].TraceId);
        foreach (var query in queries) Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.TraceId == query.TraceId);
        var write = queries[0];
        var request = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.TraceId == write.TraceId);
        Assert.Contains(spans, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.TraceId == write.TraceId);
        Assert.NotEqual(request.SpanId, write.ParentSpanId); // a grain-call span sits between them
    }

    [Fact]
    public void A_query_over_the_threshold_logs_one_structured_line_and_a_fast_one_none()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var open = new Atoll.Server.Hosting.OpenDatabases(null!, Options.Create(new Atoll.Server.Hosting.AtollServerOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Atoll.Server.Hosting.OpenDatabases>.Instance);
        var metrics = new ServerMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), open, new Atoll.Server.Grains.QueryActivity(),
            new Atoll.Server.Replication.ReplicaLags(), TimeProvider.System);
        var totals = new QueryTotals(5, 0, 5, false, 8192, 1, true);
        Statement[] statements = [new("SELECT *\n  FROM t WHERE x = ?", [])];

        var slow = new CapturingLogger();
        new QueryTelemetry(metrics, new DatabaseSamples(), TimeProvider.System, Options.Create(new ObservabilityOptions { SlowQueryThreshold = TimeSpan.Zero }), slow)
            .Query("db-1", statements, System.Diagnostics.Stopwatch.GetTimestamp(), totals, null, null);
        var line = Assert.Single(slow.Lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("Slow query on db-1", line.Message);
        Assert.Contains("5 rows read", line.Message);
        Assert.Contains("SELECT * FROM t WHERE x = ?", line.Message);
        Assert.Equal("db-1", line.State["Database"]);

        var fast = new CapturingLogger();
        new QueryTelemetry(metrics, new DatabaseSamples(), TimeProvider.System, Options.Create(new ObservabilityOptions { SlowQueryThreshold = TimeSpan.FromHours(1) }), fast)
            .Query("db-1", statements, System.Diagnostics.Stopwatch.GetTimestamp(), totals, null, null);
        Assert.Empty(fast.Lines);
    }

    static string Normalize(string pattern) => "/" + ConstraintPattern().Replace(pattern.Trim('/'), "{$1}");

    [GeneratedRegex(@"\{([^}:?=]+)[^}]*\}")]
    private static partial Regex ConstraintPattern();

    static async Task<Scrape> ScrapeAsync(AtollServer server)
        => new(await server.NewClient(null).GetStringAsync("/metrics", TestContext.Current.CancellationToken));

    /// <summary>A Prometheus text exposition: sums the samples of a metric whose labels include all the given pairs.</summary>
    sealed record Scrape(string Text)
    {
        public double Sum(string name, params string[] labels) => Text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    sealed class CapturingLogger : ILogger<QueryTelemetry>
    {
        public List<(LogLevel Level, string Message, Dictionary<string, object?> State)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Lines.Add((logLevel, formatter(state, exception),
                (state as IEnumerable<KeyValuePair<string, object?>>)?.ToDictionary(p => p.Key, p => p.Value) ?? []));
    }
}
