using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// What to send upstream: the destination, and what the integration changes on the way.
/// <paramref name="RestHeaderRules"/>: headers follow REST APIs' table for HTTP_PROXY
/// (<see cref="HeaderRules.ClientRequest"/>, <see cref="HeaderRules.IntegrationResponse"/>);
/// otherwise (HTTP APIs) only hop-by-hop fields stay behind. <paramref name="ForwardedFor"/> is
/// the <c>X-Forwarded-For</c> to send (null: none); <paramref name="ApiId"/>, when set, goes as
/// <see cref="HttpForwarder.ApiIdHeader"/>. <paramref name="State"/> is handed to
/// <paramref name="Transform"/> as it is (the caller's per-request state).
/// </summary>
internal readonly record struct ForwardRequest(
    string Method,
    Destination Destination,
    List<KeyValuePair<string, string>>? HeaderOverrides,
    TimeSpan Timeout,
    long MaxRequestBodyBytes,
    ImmutableArray<string> UpgradeProtocols,
    string? ForwardedFor,
    IForwardTransform? Transform = null,
    object? State = null,
    bool RestHeaderRules = false,
    string? ApiId = null);

/// <summary>
/// Proxies one request to a destination: bodies are streamed both ways and never buffered,
/// hop-by-hop headers stay behind, <c>X-Forwarded-*</c> are added, upgrades to the configured
/// protocols (WebSocket by default) are tunnelled, a backend may not go quiet for longer than the
/// timeout at any point, and a client that hangs up cancels the upstream call. The destination
/// brings its client (<see cref="OutboundClients"/>); the forwarder knows HTTP and connections,
/// not API Gateway: it answers a <see cref="ForwarderError"/>, which the caller maps to its own
/// responses.
/// </summary>
internal sealed partial class HttpForwarder : IDisposable
{
    private const int CopyBufferSize = 64 * 1024;

    private readonly OutboundClients _clients;
    private readonly BackendLimiter _backends;
    private readonly ExchangeCancellation _cancellation;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public HttpForwarder(TimeProvider time, ILogger<HttpForwarder> logger, int maxConcurrentRequestsPerBackend = BackendLimiter.DefaultMaxConcurrentRequests)
    {
        _time = time;
        _logger = logger;
        _backends = new BackendLimiter(maxConcurrentRequestsPerBackend);
        _clients = new OutboundClients(time, maxConcurrentRequestsPerBackend);
        _cancellation = new ExchangeCancellation(time);
    }

    /// <summary>The clients destinations are reached with.</summary>
    public OutboundClients Clients => _clients;

    /// <summary>The plain-HTTP connection pool (for tests and diagnostics).</summary>
    internal Http1.Http1Pool Http1Pool => _clients.Http1Pool;

    /// <summary>The cap on requests in flight per backend (for tests and diagnostics).</summary>
    internal BackendLimiter Backends => _backends;

    /// <summary>
    /// Proxies the client's request in <paramref name="http"/> to the destination and its answer
    /// back. On <see cref="ForwarderError.None"/> the answer has been written (or tunnelled); on an
    /// error before the head was passed on, nothing has been, and the caller answers.
    /// </summary>
    public async ValueTask<ForwardResult> ForwardAsync(HttpContext http, ForwardRequest request)
    {
        var upgrade = http.Features.Get<IHttpUpgradeFeature>();
        var isUpgrade = upgrade is { IsUpgradableRequest: true } && IsAllowedUpgrade(http.Request.Headers.Upgrade, request.UpgradeProtocols);

        var upstream = CreateRequest(http, request, isUpgrade);
        if (upstream.Problem() is { } problem)
        {
            return new ForwardResult(ForwarderError.RequestInvalid, Detail: problem);
        }
        using var cancel = Cancellation(request.Timeout, http.RequestAborted);
        var started = _time.GetTimestamp();

        UpstreamResponse response;
        try
        {
            response = await SendAsync(request.Destination, upstream, cancel.Token);
        }
        catch (Exception e)
        {
            return Failure(e, cancel, http.RequestAborted, started);
        }

        using (response)
        {
            var status = response.StatusCode;
            var latency = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            // The timeout covers the wait for the response head, then each wait for body bytes
            // (cancel.ReadAsync); a tunnel is bounded by neither.
            cancel.StopTimeout();
            CopyResponseHead(response, http.Response, request.RestHeaderRules);
            if (request.Transform is { } transform && status != StatusCodes.Status101SwitchingProtocols)
            {
                if (transform.NeedsResponseBody(status))
                {
                    return await ForwardBufferedAsync(http, response, transform, request.State, cancel, latency);
                }
                transform.OnResponse(request.State, response, latency, http.Response, null);
            }
            var done = new ForwardResult(ForwarderError.None, status, latency);

            if (status == StatusCodes.Status101SwitchingProtocols && isUpgrade)
            {
                await TunnelAsync(upgrade!, response, http.TraceIdentifier, http.RequestAborted);
                return done;
            }
            if (HttpMethods.IsHead(http.Request.Method) || http.Response.StatusCode is 204 or 304)
            {
                // No body to send (a response mapping may have made a 200 into a 204).
                return done;
            }
            try
            {
                await CopyBodyAsync(response.Body, http.Response.Body, cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
            {
                // The backend went quiet mid-body. The head is gone already: the client must see
                // the answer cut short, not a clean end, and the connection to the backend is
                // closed with the response (its body was not read to the end). The caller aborts
                // the client's connection once it has recorded why (ForwarderError.ResponseBodyIdle).
                Interlocked.Increment(ref _bodyIdleTimeouts);
                return done with { Error = ForwarderError.ResponseBodyIdle, Detail = "Endpoint response body timed out" };
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
            {
                // The head is gone already: all that is left is to end the exchange abruptly.
                _logger.LogDebug(e, "{Target}: response body copy ended early.", request.Destination.Address);
                http.Abort();
                return done with { Error = ForwarderError.ResponseCut, Detail = e.Message };
            }
            return done;
        }
    }

    /// <summary>A pooled cancellation for one exchange: <paramref name="timeout"/>, or the client hanging up.</summary>
    public ExchangeCancellation.Lease Cancellation(TimeSpan timeout, CancellationToken aborted) => _cancellation.Rent(timeout, aborted);

    /// <summary>
    /// What an exception from sending, or from reading a response head or body before anything
    /// was passed on, means: the one classification for <see cref="ForwardAsync"/> and for callers
    /// that send with <see cref="SendAsync"/> themselves. <paramref name="started"/> is the
    /// timestamp the exchange started at (for the latency of a timeout).
    /// </summary>
    public ForwardResult Failure(Exception e, ExchangeCancellation.Lease cancel, CancellationToken aborted, long started)
    {
        if (aborted.IsCancellationRequested)
        {
            return ForwardResult.Canceled;
        }
        switch (e)
        {
            case BackendBusyException busy:
                ReportBusy(busy);
                return new ForwardResult(ForwarderError.BackendBusy, Detail: busy.Message);
            case OperationCanceledException when cancel.IsCancellationRequested:
                return new ForwardResult(ForwarderError.RequestTimedOut, LatencyMs: (long)_time.GetElapsedTime(started).TotalMilliseconds, Detail: "Endpoint request timed out");
        }
        if (Find<RequestBodyTooLargeException>(e) is { } tooLarge)
        {
            return new ForwardResult(ForwarderError.RequestBodyTooLarge, Detail: $"HTTP content length exceeded {tooLarge.Limit} bytes");
        }
        if (Find<BadHttpRequestException>(e) is { } bad)
        {
            return new ForwardResult(ForwarderError.RequestBodyInvalid, Detail: bad.Message);
        }
        if (e is HttpRequestException or IOException)
        {
            var connect = e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
                || Find<System.Net.Sockets.SocketException>(e) is { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.HostUnreachable or System.Net.Sockets.SocketError.NetworkUnreachable };
            return new ForwardResult(connect ? ForwarderError.ConnectFailed : ForwarderError.RequestFailed, Detail: e.Message);
        }
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        return default;
    }

    /// <summary>
    /// Sends a request built by the caller (an integration with mapping templates, or
    /// <see cref="ForwardAsync"/>) to <paramref name="destination"/>, whose
    /// <see cref="Destination.Address"/> is the request's target; <paramref name="cancellationToken"/>
    /// bounds the wait for the answer's head.
    /// </summary>
    /// <remarks>
    /// The request takes one of its backend's slots (<see cref="BackendLimiter"/>) and the
    /// response holds it until disposed; a backend at its cap fails the call at once with
    /// <see cref="BackendBusyException"/> (<see cref="Failure"/>: <see cref="ForwarderError.BackendBusy"/>).
    /// </remarks>
    public ValueTask<UpstreamResponse> SendAsync(Destination destination, UpstreamRequest request, CancellationToken cancellationToken)
    {
        if (Observability.Tracing.StartClient(request.Method) is { } span)
        {
            return SendTracedAsync(destination.Client, request, span, cancellationToken);
        }
        return SendUntracedAsync(destination.Client, request, cancellationToken);
    }

    /// <summary>
    /// An upstream call of a traced request: a client span from sending to the response head,
    /// and the trace headers (<c>traceparent</c>, <c>X-Amzn-Trace-Id</c>) naming it, in place of
    /// any the client sent.
    /// </summary>
    private async ValueTask<UpstreamResponse> SendTracedAsync(IUpstreamClient client, UpstreamRequest request, System.Diagnostics.Activity span, CancellationToken cancellationToken)
    {
        if (span.IsAllDataRequested)
        {
            span.SetTag("http.request.method", request.Method);
            span.SetTag("server.address", request.Target.Host);
            span.SetTag("server.port", Observability.Tracing.Boxed(request.Target.Port));
            span.SetTag("url.full", request.Target.GetLeftPart(UriPartial.Path));
        }
        Observability.Tracing.Inject(span, request.Set);
        try
        {
            var response = await SendUntracedAsync(client, request, cancellationToken);
            span.SetTag("http.response.status_code", Observability.Tracing.Boxed(response.StatusCode));
            Observability.Tracing.End(span, response.StatusCode >= 500 ? response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
            return response;
        }
        catch (Exception e)
        {
            Observability.Tracing.End(span, e is OperationCanceledException ? "timeout or cancelled" : e.GetType().Name);
            throw;
        }
    }

    private ValueTask<UpstreamResponse> SendUntracedAsync(IUpstreamClient client, UpstreamRequest request, CancellationToken cancellationToken)
    {
        if (!_backends.TryEnter(request.Target, out var slot))
        {
            return ValueTask.FromException<UpstreamResponse>(new BackendBusyException(slot));
        }
        return client.SendAsync(request, slot, cancellationToken);
    }

    /// <summary>
    /// Logs requests refused because their backend is at its cap: at most once a second per
    /// backend, with the count refused since, so that an overload does not also flood the log.
    /// </summary>
    private void ReportBusy(BackendBusyException e)
    {
        if (e.Backend.TakeRefusedForReport(_time) is > 0 and var refused)
        {
            _logger.LogWarning("{Backend}: {Refused} request(s) refused with 503: {Limit} requests already in flight (server.maxConcurrentRequestsPerBackend).",
                e.Backend.Name, refused, e.Backend.Limit);
        }
    }

    /// <summary>Upstream bodies cut off because the backend sent nothing for the timeout (for tests and diagnostics).</summary>
    public long BodyIdleTimeouts => Interlocked.Read(ref _bodyIdleTimeouts);

    private long _bodyIdleTimeouts;

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }
        return null;
    }

    public void Dispose() => _clients.Dispose();
}
