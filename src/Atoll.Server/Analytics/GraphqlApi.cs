using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Atoll.Server.Api;
using Atoll.Server.Auth;
using Atoll.Server.Catalog;

namespace Atoll.Server.Analytics;

/// <summary>
/// <c>POST /client/v4/graphql</c>: the two GraphQL Analytics queries wrangler sends — <c>d1AnalyticsAdaptiveGroups</c>
/// (<c>d1 info</c>) and <c>d1QueriesAdaptiveGroups</c> (<c>d1 insights</c>) — answered from <see cref="QueryStats"/>.
/// Anything else gets a GraphQL error saying what is supported.
/// </summary>
/// <seealso href="https://developers.cloudflare.com/d1/observability/metrics-analytics/"/>
public static partial class GraphqlApi
{
    const string Supported = "Atoll's GraphQL endpoint answers viewer.accounts.d1AnalyticsAdaptiveGroups and d1QueriesAdaptiveGroups only";

    [GeneratedRegex(@"d1QueriesAdaptiveGroups\s*\(([^)]*)\)")]
    private static partial Regex QueriesArguments();

    [GeneratedRegex(@"\blimit\s*:\s*(\d+)")]
    private static partial Regex Limit();

    [GeneratedRegex(@"\borderBy\s*:\s*\[([^\]]*)\]")]
    private static partial Regex OrderBy();

    /// <summary>Maps the GraphQL route.</summary>
    public static IEndpointRouteBuilder MapGraphqlApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/client/v4/graphql", Query).WithTags("Analytics");
        return app;
    }

    static async Task<IResult> Query(HttpContext context, TokenAuthenticator auth, ICatalog catalog, QueryStats stats, RequestBody bodies)
    {
        try
        {
            var body = await bodies.ReadObjectAsync(context.Request, context.RequestAborted);
            var query = body.OptionalString("query") ?? "";
            var variablesBody = body.OptionalObject("variables");
            var variables = variablesBody?.Element ?? default;
            var isInfo = query.Contains("d1AnalyticsAdaptiveGroups", StringComparison.Ordinal);
            var isInsights = query.Contains("d1QueriesAdaptiveGroups", StringComparison.Ordinal);
            if (isInfo == isInsights) return Error(StatusCodes.Status400BadRequest, Supported, "BAD_REQUEST");

            var accountTag = variablesBody?.OptionalString("accountTag");
            if (string.IsNullOrEmpty(accountTag)) return Error(StatusCodes.Status400BadRequest, "variables.accountTag is required", "BAD_REQUEST");
            var token = await auth.ForAccountAsync(context.Request, accountTag);
            var filter = Filter(variables);
            var to = Instant(filter, "datetimeHour_leq") ?? DateTimeOffset.UtcNow;
            var from = Instant(filter, "datetimeHour_geq") ?? to.AddDays(-1);
            var databases = (await catalog.DatabasesAsync(accountTag, cancellationToken: context.RequestAborted)).Where(d => token.CanUseDatabase(d.Uuid)).Select(d => d.Uuid)
                .Where(id => !filter.TryGetValue("databaseId", out var wanted) || string.Equals(id, wanted, StringComparison.OrdinalIgnoreCase))
                .ToList();

            if (isInfo)
            {
                var hours = stats.Hours(databases, from, to);
                return Data("d1AnalyticsAdaptiveGroups", json =>
                {
                    foreach (var hour in hours)
                    {
                        json.WriteStartObject();
                        json.WriteStartObject("sum");
                        json.WriteNumber("readQueries", hour.ReadQueries);
                        json.WriteNumber("writeQueries", hour.WriteQueries);
                        json.WriteNumber("rowsRead", hour.RowsRead);
                        json.WriteNumber("rowsWritten", hour.RowsWritten);
                        json.WriteEndObject();
                        json.WriteStartObject("dimensions");
                        json.WriteString("datetimeHour", hour.Hour.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                        json.WriteEndObject();
                        json.WriteEndObject();
                    }
                });
            }

            var arguments = QueriesArguments().Match(query).Groups[1].Value;
            var limit = Limit().Match(arguments) is { Success: true } l && int.TryParse(l.Groups[1].Value, out var n) ? n : 10;
            if (limit is < 1 or > 10_000) return Error(StatusCodes.Status400BadRequest, "limit must be from 1 to 10000", "BAD_REQUEST");
            var orderTerm = OrderBy().Match(arguments) is { Success: true } o ? o.Groups[1].Value.Split(',')[0].Trim() : "sum_queryDurationMs_DESC";
            var order = QueryOrder.Parse(orderTerm);
            if (order is null)
                return Error(StatusCodes.Status400BadRequest,
                    $"unknown orderBy '{orderTerm}': use count_ASC|DESC or sum|avg_queryDurationMs|rowsRead|rowsWritten|rowsReturned_ASC|DESC", "BAD_REQUEST");
            var rows = stats.Queries(databases, from, to, order, limit);
            return Data("d1QueriesAdaptiveGroups", json =>
            {
                foreach (var row in rows)
                {
                    json.WriteStartObject();
                    WriteFigures(json, "sum", row.DurationMs, row.RowsRead, row.RowsWritten, row.RowsReturned);
                    var count = Math.Max(1, row.Count);
                    WriteFigures(json, "avg", row.DurationMs / count, (double)row.RowsRead / count, (double)row.RowsWritten / count,
                        (double)row.RowsReturned / count);
                    json.WriteNumber("count", row.Count);
                    json.WriteStartObject("dimensions");
                    json.WriteString("query", row.Query);
                    json.WriteString("databaseId", row.DatabaseId);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
            });
        }
        catch (ApiException ex)
        {
            return Error(ex.Status, ex.Message, ex.Status is 401 or 403 ? "UNAUTHORIZED" : "BAD_REQUEST");
        }
    }

    static void WriteFigures(Utf8JsonWriter json, string name, double duration, double read, double written, double returned)
    {
        json.WriteStartObject(name);
        json.WriteNumber("queryDurationMs", Math.Round(duration, 4));
        json.WriteNumber("rowsRead", read);
        json.WriteNumber("rowsWritten", written);
        json.WriteNumber("rowsReturned", returned);
        json.WriteEndObject();
    }

    /// <summary>The filter's conditions, from <c>{AND:[{…},…]}</c> or a plain object.</summary>
    static Dictionary<string, string> Filter(JsonElement variables)
    {
        var conditions = new Dictionary<string, string>(StringComparer.Ordinal);
        if (variables.ValueKind != JsonValueKind.Object || !variables.TryGetProperty("filter", out var filter) || filter.ValueKind != JsonValueKind.Object)
            return conditions;
        void Add(JsonElement element)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "AND" && property.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in property.Value.EnumerateArray())
                        if (item.ValueKind == JsonValueKind.Object) Add(item);
                }
                else if (property.Value.ValueKind == JsonValueKind.String)
                {
                    conditions[property.Name] = property.Value.GetString()!;
                }
            }
        }
        Add(filter);
        return conditions;
    }

    static DateTimeOffset? Instant(Dictionary<string, string> filter, string name)
        => filter.TryGetValue(name, out var text)
            ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
                : throw ApiException.BadRequest($"{name} must be an ISO 8601 date-time")
            : null;

    static IResult Data(string dataset, Action<Utf8JsonWriter> writeRows) => new GraphqlResult(StatusCodes.Status200OK, json =>
    {
        json.WriteStartObject("data");
        json.WriteStartObject("viewer");
        json.WriteStartArray("accounts");
        json.WriteStartObject();
        json.WriteStartArray(dataset);
        writeRows(json);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteNull("errors");
    });

    static IResult Error(int status, string message, string code) => new GraphqlResult(status, json =>
    {
        json.WriteNull("data");
        json.WriteStartArray("errors");
        json.WriteStartObject();
        json.WriteString("message", message);
        json.WriteNull("path");
        json.WriteStartObject("extensions");
        json.WriteString("code", code);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
    });

    static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    sealed class GraphqlResult(int status, Action<Utf8JsonWriter> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await using (var json = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions))
            {
                json.WriteStartObject();
                write(json);
                json.WriteEndObject();
            }
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        }
    }
}
