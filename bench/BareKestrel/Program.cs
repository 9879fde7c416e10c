// The baseline for the REST benchmark: Kestrel with the same minimal-API pipeline, answering every
// POST /query with a constant JSON body the size of Atoll's point-query reply. No auth, no body parsing, no SQL.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var body = """{"result":[{"results":[{"id":1,"name":"user 1","email":"user1@example.com","score":0.5}],"success":true,"meta":{"served_by":"atoll","served_by_region":"local","served_by_primary":true,"timings":{"sql_duration_ms":0.0123},"duration":0.0123,"changes":0,"last_row_id":0,"changed_db":false,"size_after":7610368,"rows_read":1,"rows_written":0,"total_attempts":1}}],"success":true,"errors":[],"messages":[]}"""u8.ToArray();
app.MapPost("/query", async (HttpContext context) =>
{
    context.Response.ContentType = "application/json";
    await context.Response.Body.WriteAsync(body);
});
app.Run();
