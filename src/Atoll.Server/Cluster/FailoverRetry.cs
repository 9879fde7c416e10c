using System.Diagnostics;
using Atoll.Engine;
using Atoll.Server.Api;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Atoll.Server.Cluster;

/// <summary>
/// Retries a grain call that failed because its node is going away, inside the cluster, so the client sees a delay
/// rather than an error while Orleans moves the grain. Only when it is safe: a call that never left this node (it could
/// not connect to the owner's node) is always retried; any other rejection, a node that died or a timeout may come after
/// the grain ran it — a silo that is stopping turns late answers into rejections, a node that forwarded the call to the
/// next owner breaks its caller's wait as it stops — so those are retried only when the call is resendable: it cannot
/// write, or it carries a request id (<see cref="QueryRequest.RequestId"/>: a write that already committed answers from its
/// receipt instead of running again). A call is resent for at most half of <see cref="QueryRequest.ReceiptWindow"/>, so
/// the receipt outlives every resend. One node: nothing is retried (no failover). What is not retried is answered with
/// D1's own retryable error, "Network connection lost.".
/// </summary>
public sealed class FailoverRetry
{
    readonly bool _enabled;
    readonly ResiliencePipeline _unsentOnly;
    readonly ResiliencePipeline _resendable;
    readonly ILogger _logger;

    /// <summary>Builds the two policies from the cluster's retry window.</summary>
    public FailoverRetry(IOptions<ClusterNodeOptions> options, ILogger<FailoverRetry> logger)
    {
        _logger = logger;
        if (!options.Value.Enabled)
        {
            _unsentOnly = _resendable = ResiliencePipeline.Empty;
            return;
        }
        _enabled = true;
        var window = options.Value.FailoverRetryWindow;
        _unsentOnly = Build(window, Unsent, logger);
        _resendable = Build(window, ex => Unsent(ex) || MayHaveRun(ex), logger);
    }

    /// <summary>Whether this node is in a cluster (requests then carry ids and are resent when their node goes away).</summary>
    public bool Enabled => _enabled;

    static bool Unsent(Exception ex) => ex is OrleansMessageRejectionException { InnerException: Orleans.Runtime.Messaging.ConnectionFailedException };

    static bool MayHaveRun(Exception ex) => ex is OrleansMessageRejectionException or SiloUnavailableException or TimeoutException;

    static ResiliencePipeline Build(TimeSpan window, Func<Exception, bool> retryable, ILogger logger)
    {
        var maxDelay = TimeSpan.FromSeconds(1);
        return new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle(retryable),
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = maxDelay,
            UseJitter = true,
            // Attempts at up to MaxDelay apart fill the window; each attempt may itself wait up to the call timeout.
            MaxRetryAttempts = Math.Max(1, (int)Math.Ceiling(window / maxDelay) + 3),
            OnRetry = args =>
            {
                logger.LogInformation("A grain call failed while its node is going away ({Error}); retry {Attempt}",
                    args.Outcome.Exception?.GetType().Name, args.AttemptNumber + 1);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    /// <summary>
    /// Runs <paramref name="call"/>, retried as far as <paramref name="resendable"/> makes it safe. The first attempt runs
    /// bare and <paramref name="resendable"/> is asked only after a failure: the usual call pays nothing.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<bool> resendable, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        if (!_enabled) return await call(cancellationToken);
        var sent = Stopwatch.GetTimestamp();
        try
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (Exception ex) when (Unsent(ex) || (MayHaveRun(ex) && resendable()))
            {
                return await (Unsent(ex) && !resendable() ? _unsentOnly : _resendable).ExecuteAsync(
                    ct => Stopwatch.GetElapsedTime(sent) < ResendFor ? call(ct) : throw ConnectionLost(), cancellationToken);
            }
        }
        catch (Exception ex) when (MayHaveRun(ex) && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "A grain call failed while its node was going away and cannot be retried safely");
            throw ConnectionLost();
        }
    }

    static readonly TimeSpan ResendFor = QueryRequest.ReceiptWindow / 2;

    /// <summary>
    /// D1's text for a request cut off from its database (documented as "retry"), with what Atoll knows: a write may or may
    /// not have been applied. 503: the database is moving; <c>x-should-retry: false</c> keeps SDKs from resending a write.
    /// </summary>
    static ApiException ConnectionLost() => new(StatusCodes.Status503ServiceUnavailable, (int)D1ErrorCode.SqlError,
        "Network connection lost. The database's node went away while this request was in flight; a write in it may or may not have been applied.");
}
