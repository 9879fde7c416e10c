using Atoll.Engine;

namespace Atoll.Server.Api;

/// <summary>
/// The one place that turns failures into v4 envelopes: <see cref="ApiException"/> and <see cref="D1Exception"/> as they say,
/// bad request bodies as 400/413, anything else as a logged 500 that reveals nothing.
/// </summary>
public sealed class ApiExceptionMiddleware(RequestDelegate next, ILogger<ApiExceptionMiddleware> logger)
{
    /// <summary>Runs the rest of the pipeline and answers its failures.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var error = ex switch
            {
                ApiException api => api,
                D1Exception d1 => ApiException.From(d1),
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                    new ApiException(StatusCodes.Status413PayloadTooLarge, (int)D1ErrorCode.PayloadTooLarge, "Request body is too large."),
                BadHttpRequestException bad => ApiException.BadRequest(bad.Message),
                _ => null,
            };
            if (error is null)
            {
                var reference = context.TraceIdentifier; // also the x-request-id header and the request's log scope
                logger.LogError(ex, "Unhandled error; reference = {Reference}", reference);
                error = new ApiException(StatusCodes.Status500InternalServerError, (int)D1ErrorCode.SqlError, $"internal error; reference = {reference}");
            }
            context.Response.Clear();
            await Envelope.WriteErrorAsync(context, error);
        }
    }
}
