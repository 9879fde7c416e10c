using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Atoll.Client.Remote;

/// <summary>
/// HTTP to one Atoll server with one API token: a timeout on every attempt, and for read-only queries D1's bounded
/// automatic retry on transient failures (unreachable server, 408/429/502/503/504, per-attempt timeout); with
/// <see cref="AtollConnectionOptions.RetryWrites"/>, writes too, each with its own <c>Idempotency-Key</c>.
/// </summary>
internal sealed class RemoteConnection : IDisposable
{
    static readonly MediaTypeHeaderValue Json = new("application/json");
    readonly HttpClient _http;
    readonly bool _ownsHttp;
    readonly Uri _base;
    readonly string _token;
    readonly TimeSpan _timeout;
    readonly ResiliencePipeline _reads;
    readonly ResiliencePipeline _writes;
    readonly SemaphoreSlim _accountGate = new(1, 1);
    string? _account;

    public RemoteConnection(HttpClient http, bool ownsHttp, AtollConnectionOptions options)
    {
        _http = http;
        _ownsHttp = ownsHttp;
        var url = options.Url!;
        _base = new Uri(url.EndsWith('/') ? url : url + "/", UriKind.Absolute);
        _token = options.ApiToken!;
        _account = string.IsNullOrWhiteSpace(options.AccountId) ? null : options.AccountId;
        _timeout = options.Timeout;
        RetryWrites = options.RetryWrites;
        _writes = new ResiliencePipelineBuilder().AddTimeout(options.Timeout).Build();
        var reads = new ResiliencePipelineBuilder();
        if (options.MaxReadRetries > 0)
        {
            reads.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxReadRetries,
                Delay = TimeSpan.FromMilliseconds(100),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<D1Exception>(e => e.IsTransient).Handle<TimeoutRejectedException>(),
            });
        }
        _reads = reads.AddTimeout(options.Timeout).Build();
    }

    /// <summary>Whether writes are retried, with an idempotency key (<see cref="AtollConnectionOptions.RetryWrites"/>).</summary>
    public bool RetryWrites { get; }

    /// <summary>The request header that makes a write safe to resend (the server keeps its answer for two minutes).</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>A keyed write is resent for at most this long after it was first sent: well inside the server's two minutes.</summary>
    static readonly TimeSpan ResendFor = TimeSpan.FromSeconds(60);

    /// <summary>The server's base address, for messages.</summary>
    public string Source => _base.ToString();

    /// <summary>
    /// Sends one request; with <paramref name="retry"/>, transient failures are retried (only for requests safe to repeat:
    /// reads, and writes carrying an <paramref name="idempotencyKey"/>, those for at most <see cref="ResendFor"/>).
    /// A <paramref name="session"/> (a session's constraint or bookmark) goes in <see cref="SessionHeader"/>, so reads may go to a replica.
    /// </summary>
    /// <exception cref="D1Exception">The server could not be reached, did not answer in time, or kept answering with a transient error.</exception>
    public async Task<RemoteResponse> SendAsync(HttpMethod method, string path, byte[]? body, bool retry, CancellationToken cancellationToken,
        string? session = null, string? idempotencyKey = null)
    {
        try
        {
            return await (retry ? _reads : _writes).ExecuteAsync(
                static (state, token) => state.Key is not null && Stopwatch.GetElapsedTime(state.Sent) > ResendFor
                    ? throw new D1Exception(D1ErrorCodes.Error, $"Gave up resending a write to the Atoll server at {state.Self._base} after {ResendFor.TotalSeconds:0} s; it may or may not have been applied.")
                    : state.Self.SendOnceAsync(state.Method, state.Path, state.Body, state.Session, state.Key, token),
                (Self: this, Method: method, Path: path, Body: body, Session: session, Key: idempotencyKey, Sent: Stopwatch.GetTimestamp()),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new D1Exception(D1ErrorCodes.Error,
                $"No answer from the Atoll server at {_base} within {_timeout.TotalSeconds:0.###} s", null, isTransient: true, ex);
        }
    }

    ValueTask<RemoteResponse> SendOnceAsync(HttpMethod method, string path, byte[]? body, string? session, string? idempotencyKey,
        CancellationToken cancellationToken)
        => SendOnceAsync(method, path, body is null ? null : new ByteArrayContent(body) { Headers = { ContentType = Json } }, null, cancellationToken,
            session, idempotencyKey);

    /// <summary>The request header carrying a session's constraint or bookmark (the binding's, which the server also reads on REST).</summary>
    public const string SessionHeader = "x-cf-d1-session-commit-token";

    /// <summary>Sends <paramref name="content"/> once (an upload: never retried); <paramref name="pathOrUrl"/> may be absolute, as signed URLs are.</summary>
    /// <exception cref="D1Exception">The server could not be reached.</exception>
    public async Task<RemoteResponse> SendContentAsync(HttpMethod method, string pathOrUrl, HttpContent content, CancellationToken cancellationToken)
        => await SendOnceAsync(method, pathOrUrl, content, null, cancellationToken).ConfigureAwait(false);

    /// <summary>GETs <paramref name="url"/> and copies the body to <paramref name="destination"/> as it arrives (for large downloads).</summary>
    /// <exception cref="D1Exception">The server could not be reached or did not answer 200.</exception>
    public async Task DownloadAsync(string url, Stream destination, CancellationToken cancellationToken)
    {
        var response = await SendOnceAsync(HttpMethod.Get, url, null, destination, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
            throw new D1Exception(D1ErrorCodes.Error, Envelope.TryReadError(response.Body).Message ?? $"HTTP {response.Status} downloading {url}");
    }

    /// <summary>One exchange; with <paramref name="sink"/>, a 200 body is streamed there instead of being buffered.</summary>
    async ValueTask<RemoteResponse> SendOnceAsync(HttpMethod method, string path, HttpContent? content, Stream? sink, CancellationToken cancellationToken,
        string? session = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base, path));
        if (session is not null) request.Headers.TryAddWithoutValidation(SessionHeader, session);
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation(IdempotencyHeader, idempotencyKey);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.Add("x-atoll-typed-reals", "1"); // whole REALs come back as 2.0, so they map to double as documented
        request.Content = content;
        try
        {
            using var response = await _http.SendAsync(request, sink is null ? HttpCompletionOption.ResponseContentRead : HttpCompletionOption.ResponseHeadersRead,
                cancellationToken).ConfigureAwait(false);
            if (sink is not null && response.IsSuccessStatusCode)
            {
                await response.Content.CopyToAsync(sink, cancellationToken).ConfigureAwait(false);
                return new RemoteResponse((int)response.StatusCode, [], null);
            }
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var bookmark = response.Headers.TryGetValues("x-d1-bookmark", out var values) ? values.FirstOrDefault() : null;
            if (status is 408 or 429 or 502 or 503 or 504)
            {
                var (code, message) = Envelope.TryReadError(bytes);
                throw new D1Exception(D1ErrorCodes.Error, message ?? $"HTTP {status} from the Atoll server at {_base}", code, isTransient: true);
            }
            return new RemoteResponse(status, bytes, bookmark);
        }
        catch (HttpRequestException ex)
        {
            throw new D1Exception(D1ErrorCodes.Error, $"Could not reach the Atoll server at {_base}: {ex.Message}", null, isTransient: true, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A caller-supplied HttpClient's own Timeout fired before ours.
            throw new D1Exception(D1ErrorCodes.Error, $"No answer from the Atoll server at {_base} within the HttpClient's timeout", null,
                isTransient: true, ex);
        }
    }

    /// <summary>The account to work in: the configured one, or the token's only account, looked up once.</summary>
    /// <exception cref="D1Exception">No account is configured and the token can use none or several.</exception>
    public async ValueTask<string> AccountAsync(CancellationToken cancellationToken)
    {
        if (_account is { } known) return known;
        await _accountGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_account is { } raced) return raced;
            var response = await SendAsync(HttpMethod.Get, "client/v4/accounts", null, retry: true, cancellationToken).ConfigureAwait(false);
            var accounts = Envelope.ReadResult(response, Source);
            if (accounts.ValueKind != JsonValueKind.Array || accounts.GetArrayLength() != 1)
                throw new D1Exception(D1ErrorCodes.Error, $"Set AccountId: the API token can use {(accounts.ValueKind == JsonValueKind.Array ? accounts.GetArrayLength() : 0)} accounts on {_base}, so none is implied.");
            return _account = accounts[0].GetProperty("id").GetString()!;
        }
        finally
        {
            _accountGate.Release();
        }
    }

    /// <summary>The path of the account's databases: <c>client/v4/accounts/{account}/d1/database</c>.</summary>
    public async ValueTask<string> DatabasesPathAsync(CancellationToken cancellationToken)
        => $"client/v4/accounts/{Uri.EscapeDataString(await AccountAsync(cancellationToken).ConfigureAwait(false))}/d1/database";

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
        _accountGate.Dispose();
    }
}
