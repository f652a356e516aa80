using System.Buffers;
using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Forwarding;

/// <summary>
/// What to send upstream: the target and what the integration changes on the way.
/// <paramref name="RestHeaderRules"/>: headers follow REST APIs' table for HTTP_PROXY
/// (<see cref="HeaderRules.ClientRequest"/>, <see cref="HeaderRules.IntegrationResponse"/>);
/// otherwise (HTTP APIs) only hop-by-hop fields stay behind.
/// </summary>
internal readonly record struct ForwardRequest(
    string Method,
    Uri Target,
    List<KeyValuePair<string, string>>? HeaderOverrides,
    TimeSpan Timeout,
    bool InsecureSkipVerification,
    long MaxRequestBodyBytes,
    ImmutableArray<string> UpgradeProtocols,
    IForwardTransform? Transform = null,
    bool RestHeaderRules = false);

/// <summary>
/// Proxies one request to an HTTP backend: bodies are streamed both ways and never buffered,
/// hop-by-hop headers stay behind, <c>X-Forwarded-*</c> are added, upgrades to the configured
/// protocols (WebSocket by default) are tunnelled, a backend may not go quiet for longer than the
/// integration timeout at any point, and a client that hangs up cancels the upstream call. Plain
/// <c>http://</c> backends are reached with the gateway's own HTTP/1.1 client
/// (<see cref="Http1.Http1Pool"/>), which writes and reads header lines without the message
/// objects of a general-purpose client; <c>https://</c> backends go through
/// <see cref="SocketsHttpHandler"/>, which negotiates HTTP/2 by ALPN when the backend offers it.
/// </summary>
internal sealed partial class HttpForwarder : IDisposable
{
    private const int CopyBufferSize = 64 * 1024;

    private readonly HttpMessageInvoker _client;
    private readonly HttpMessageInvoker _insecureClient;
    private readonly Http1.Http1Pool _http1;
    private readonly BackendLimiter _backends;
    private readonly ExchangeCancellation _cancellation;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public HttpForwarder(TimeProvider time, ILogger<HttpForwarder> logger, int maxConcurrentRequestsPerBackend = BackendLimiter.DefaultMaxConcurrentRequests)
    {
        _time = time;
        _logger = logger;
        _backends = new BackendLimiter(maxConcurrentRequestsPerBackend);
        _client = new HttpMessageInvoker(CreateHandler(insecure: false, maxConcurrentRequestsPerBackend), disposeHandler: true);
        _insecureClient = new HttpMessageInvoker(CreateHandler(insecure: true, maxConcurrentRequestsPerBackend), disposeHandler: true);
        _http1 = new Http1.Http1Pool(time);
        _cancellation = new ExchangeCancellation(time);
    }

    private static SocketsHttpHandler CreateHandler(bool insecure, int maxConnectionsPerServer)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnectionsPerServer,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Http1.Http1Pool.IdleTimeout,
            PooledConnectionLifetime = Http1.Http1Pool.Lifetime,
            ConnectTimeout = Http1.Http1Pool.ConnectTimeout,
            // The gateway decides what tracing headers go upstream, not the handler. Null (rather
            // than a propagator that writes nothing) also leaves out the handler's per-request
            // Activity and its tags, which cost more than the rest of the request set-up.
            ActivityHeadersPropagator = null,
        };
        if (insecure)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        return handler;
    }


    /// <summary>A pooled cancellation for one exchange: <paramref name="timeout"/>, or the client hanging up.</summary>
    public ExchangeCancellation.Lease Cancellation(TimeSpan timeout, CancellationToken aborted) => _cancellation.Rent(timeout, aborted);

    /// <summary>The plain-HTTP connection pool (for tests and diagnostics).</summary>
    internal Http1.Http1Pool Http1Pool => _http1;

    /// <summary>The cap on requests in flight per backend (for tests and diagnostics).</summary>
    internal BackendLimiter Backends => _backends;

    public async ValueTask<GatewayError?> ForwardAsync(RequestContext context, ForwardRequest request)
    {
        var http = context.Http;
        var upgrade = http.Features.Get<IHttpUpgradeFeature>();
        var isUpgrade = upgrade is { IsUpgradableRequest: true } && IsAllowedUpgrade(http.Request.Headers.Upgrade, request.UpgradeProtocols);

        var upstream = CreateRequest(context, request, isUpgrade);
        if (Refuse(context, upstream) is { } refused)
        {
            return refused;
        }
        using var cancel = Cancellation(request.Timeout, http.RequestAborted);
        var started = _time.GetTimestamp();

        UpstreamResponse response;
        try
        {
            response = await SendAsync(upstream, request.InsecureSkipVerification, cancel.Token);
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested)
        {
            _logger.LogDebug(e, "{RequestId} client went away before the integration answered.", context.RequestId);
            http.Abort();
            return null;
        }
        catch (BackendBusyException e)
        {
            return Busy(context, e);
        }
        catch (Exception e) when (Find<RequestBodyTooLargeException>(e) is { } tooLarge)
        {
            context.IntegrationError = "request body too large";
            return GatewayError.Of(GatewayResponseType.REQUEST_TOO_LARGE, $"HTTP content length exceeded {tooLarge.Limit} bytes");
        }
        catch (Exception e) when (Find<Microsoft.AspNetCore.Http.BadHttpRequestException>(e) is { } bad)
        {
            // The client's own body was malformed (a bad chunk size, a bare LF, an overflowing
            // length): the client's fault, answered 400, not a failure of the endpoint.
            context.IntegrationError = bad.Message;
            _logger.LogDebug("{RequestId} malformed request body: {Message}", context.RequestId, bad.Message);
            return GatewayError.Of(GatewayResponseType.DEFAULT_4XX);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            context.IntegrationError = "Endpoint request timed out";
            context.IntegrationLatencyMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            _logger.LogWarning("{RequestId} integration timed out after {Timeout} ms: {Target}.",
                context.RequestId, request.Timeout.TotalMilliseconds, request.Target);
            return GatewayError.Of(GatewayResponseType.INTEGRATION_TIMEOUT);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            context.IntegrationError = e.Message;
            _logger.LogWarning("{RequestId} integration failed: {Target}: {Message}", context.RequestId, request.Target, e.Message);
            return GatewayError.Of(GatewayResponseType.INTEGRATION_FAILURE);
        }

        using (response)
        {
            var status = response.StatusCode;
            context.IntegrationStatus = status;
            context.IntegrationLatencyMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            // The integration timeout covers the wait for the response head, then each wait for
            // body bytes (cancel.ReadAsync); a tunnel is bounded by neither.
            cancel.StopTimeout();
            CopyResponseHead(response, http.Response, request.RestHeaderRules);
            if (request.Transform is { } transform && status != StatusCodes.Status101SwitchingProtocols)
            {
                if (transform.NeedsResponseBody(status))
                {
                    return await ForwardBufferedAsync(context, response, transform, cancel, request.Target);
                }
                transform.OnResponse(context, response, http.Response, null);
            }

            if (status == StatusCodes.Status101SwitchingProtocols && isUpgrade)
            {
                await TunnelAsync(upgrade!, response, context.RequestId, http.RequestAborted);
                return null;
            }
            if (HttpMethods.IsHead(http.Request.Method) || http.Response.StatusCode is 204 or 304)
            {
                // No body to send (a response mapping may have made a 200 into a 204).
                return null;
            }
            try
            {
                await CopyBodyAsync(response.Body, http.Response.Body, cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
            {
                // The backend went quiet mid-body. The head is gone already: the client must see
                // the answer cut short, not a clean end, and the connection to the backend is
                // closed with the response (its body was not read to the end).
                BodyIdle(context, request.Target, cancel.Timeout);
                http.Abort();
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
            {
                // The head is gone already: all that is left is to end the exchange abruptly.
                _logger.LogDebug(e, "{RequestId} response body copy ended early.", context.RequestId);
                http.Abort();
            }
        }
        return null;
    }

    /// <summary>
    /// The failure for a request that cannot be sent as built (<see cref="UpstreamRequest.Problem"/>:
    /// a mapped header value with CR, LF or NUL), or null. API Gateway answers such a request 500
    /// <c>Internal server error</c>, its failure to build the integration request; nothing is sent,
    /// and the value is not logged.
    /// </summary>
    public GatewayError? Refuse(RequestContext context, UpstreamRequest upstream)
    {
        if (upstream.Problem() is not { } problem)
        {
            return null;
        }
        context.IntegrationError = problem;
        _logger.LogWarning("{RequestId} integration request not sent: {Problem}.", context.RequestId, problem);
        return GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
    }

    /// <summary>
    /// Sends a request built by an integration (HTTP with mapping templates) on the same pooled
    /// connections; <paramref name="cancellationToken"/> bounds the wait for the answer's head.
    /// </summary>
    /// <remarks>
    /// The request takes one of its backend's slots (<see cref="BackendLimiter"/>) and the
    /// response holds it until disposed; a backend at its cap fails the call at once with
    /// <see cref="BackendBusyException"/>, which <see cref="Busy"/> answers.
    /// </remarks>
    public ValueTask<UpstreamResponse> SendAsync(UpstreamRequest request, bool insecureSkipVerification, CancellationToken cancellationToken)
    {
        if (Observability.Tracing.StartClient(request.Method) is { } span)
        {
            return SendTracedAsync(request, insecureSkipVerification, span, cancellationToken);
        }
        return SendUntracedAsync(request, insecureSkipVerification, cancellationToken);
    }

    /// <summary>
    /// An upstream call of a traced request: a client span from sending to the response head,
    /// and the trace headers (<c>traceparent</c>, <c>X-Amzn-Trace-Id</c>) naming it, in place of
    /// any the client sent.
    /// </summary>
    private async ValueTask<UpstreamResponse> SendTracedAsync(UpstreamRequest request, bool insecureSkipVerification, System.Diagnostics.Activity span, CancellationToken cancellationToken)
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
            var response = await SendUntracedAsync(request, insecureSkipVerification, cancellationToken);
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

    private ValueTask<UpstreamResponse> SendUntracedAsync(UpstreamRequest request, bool insecureSkipVerification, CancellationToken cancellationToken)
    {
        if (!_backends.TryEnter(request.Target, out var slot))
        {
            return ValueTask.FromException<UpstreamResponse>(new BackendBusyException(slot));
        }
        return string.Equals(request.Target.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal)
            ? _http1.SendAsync(request, slot, cancellationToken)
            : SendWithHandlerAsync(request, insecureSkipVerification, slot, cancellationToken);
    }

    private async ValueTask<UpstreamResponse> SendWithHandlerAsync(UpstreamRequest request, bool insecureSkipVerification, BackendLimiter.Backend slot, CancellationToken cancellationToken)
    {
        var message = ToMessage(request);
        try
        {
            var client = insecureSkipVerification ? _insecureClient : _client;
            var response = new HandlerUpstreamResponse(await client.SendAsync(message, cancellationToken));
            response.Hold(slot);
            return response;
        }
        catch
        {
            message.Dispose();
            slot.Exit();
            throw;
        }
    }

    /// <summary>
    /// The answer to a request refused because its backend is at its cap: 503, like Envoy's
    /// overflow and an ALB without capacity. Logged at most once a second per backend, with the
    /// count refused since, so that an overload does not also flood the log.
    /// </summary>
    internal GatewayError Busy(RequestContext context, BackendBusyException e)
    {
        context.IntegrationError = e.Message;
        if (e.Backend.TakeRefusedForReport(_time) is > 0 and var refused)
        {
            _logger.LogWarning("{Backend}: {Refused} request(s) refused with 503: {Limit} requests already in flight (server.maxConcurrentRequestsPerBackend).",
                e.Backend.Name, refused, e.Backend.Limit);
        }
        return GatewayError.Of(GatewayResponseType.DEFAULT_5XX, "Service Unavailable", StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Upstream bodies cut off because the backend sent nothing for the integration timeout (for tests and diagnostics).</summary>
    public long BodyIdleTimeouts => Interlocked.Read(ref _bodyIdleTimeouts);

    private long _bodyIdleTimeouts;

    /// <summary>Counts and logs (one line, no stack) a backend that went quiet in the middle of its body.</summary>
    private void BodyIdle(RequestContext context, Uri target, TimeSpan timeout)
    {
        Interlocked.Increment(ref _bodyIdleTimeouts);
        context.IntegrationError = "Endpoint response body timed out";
        _logger.LogWarning("{RequestId} integration response body: nothing received for {Timeout} ms, exchange aborted: {Target}.",
            context.RequestId, timeout.TotalMilliseconds, target);
    }

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

    public void Dispose()
    {
        _client.Dispose();
        _insecureClient.Dispose();
        _http1.Dispose();
    }
}
