// The baselines for the REST and binding benchmarks: Kestrel with the same minimal-API pipeline, answering every POST with
// a constant JSON body the size of Atoll's reply. No auth, no body parsing, no SQL.
//   default:         POST /query → a D1 REST envelope holding one point-query row (bench/compare.sh's REST baseline);
//   --shape binding: POST /query and /execute → the Workers binding's result array, with a row and an insert's meta, so
//                    workerd bound to it serves both bench/binding workloads: the ceiling workerd itself imposes.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var binding = app.Configuration["shape"] == "binding";
var body = binding
    ? """[{"results":[{"id":1,"name":"item-1","score":0.5}],"success":true,"meta":{"served_by":"atoll","served_by_region":"local","served_by_primary":true,"timings":{"sql_duration_ms":0.0123},"duration":0.0123,"changes":1,"last_row_id":1,"changed_db":false,"size_after":499712,"rows_read":1,"rows_written":0,"total_attempts":1}}]"""u8.ToArray()
    : """{"result":[{"results":[{"id":1,"name":"user 1","email":"user1@example.com","score":0.5}],"success":true,"meta":{"served_by":"atoll","served_by_region":"local","served_by_primary":true,"timings":{"sql_duration_ms":0.0123},"duration":0.0123,"changes":0,"last_row_id":0,"changed_db":false,"size_after":7610368,"rows_read":1,"rows_written":0,"total_attempts":1}}],"success":true,"errors":[],"messages":[]}"""u8.ToArray();
async Task Answer(HttpContext context)
{
    context.Response.ContentType = "application/json";
    // With a length, as Atoll's binding replies have, rather than chunked (workerd reads a chunked body more slowly);
    // the REST baseline stays as it was measured before.
    if (binding) context.Response.ContentLength = body.Length;
    await context.Response.Body.WriteAsync(body);
}
app.MapPost("/query", Answer);
if (binding) app.MapPost("/execute", Answer);
app.Run();
