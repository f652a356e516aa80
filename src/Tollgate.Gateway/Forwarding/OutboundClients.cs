using System.Net;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Forwarding.Http1;

namespace Tollgate.Gateway.Forwarding;

/// <summary>What a <see cref="SocketsHttpHandler"/> made by <see cref="OutboundClients.CreateHandler"/> differs in.</summary>
internal sealed record OutboundHandlerOptions
{
    public int MaxConnectionsPerServer { get; init; } = int.MaxValue;

    public TimeSpan ConnectTimeout { get; init; } = Http1Pool.ConnectTimeout;

    public TimeSpan PooledConnectionIdleTimeout { get; init; } = Http1Pool.IdleTimeout;

    public TimeSpan PooledConnectionLifetime { get; init; } = Http1Pool.Lifetime;

    /// <summary>Accept any server certificate (an integration's <c>tlsConfig.insecureSkipVerification</c>).</summary>
    public bool InsecureSkipVerification { get; init; }

    /// <summary>Follow redirects and honour the proxy settings of the environment (fetches of documents such as JWKS, not forwarding).</summary>
    public bool FetchDocuments { get; init; }
}

/// <summary>
/// The one place outbound HTTP clients are made. Backends: plain <c>http://</c> destinations go
/// through the gateway's own HTTP/1.1 client (<see cref="Http1Pool"/>: header lines written and
/// read without the message objects of a general-purpose client, measured much cheaper on the hot
/// path), <c>https://</c> ones through <see cref="SocketsHttpHandler"/>, which negotiates HTTP/2 by
/// ALPN. The Lambda Invoke API and JWKS fetches get their handlers from
/// <see cref="CreateHandler"/>, so that every outbound client shares the same defaults: no
/// cookies, no decompression, no handler-written trace headers.
/// </summary>
internal sealed class OutboundClients : IDisposable
{
    private readonly Http1Client _http1;
    private readonly HandlerClient _secure;
    private readonly HandlerClient _insecure;

    public OutboundClients(TimeProvider time, int maxConnectionsPerServer)
    {
        Http1Pool = new Http1Pool(time);
        _http1 = new Http1Client(Http1Pool);
        _secure = new HandlerClient(CreateHandler(new OutboundHandlerOptions { MaxConnectionsPerServer = maxConnectionsPerServer }));
        _insecure = new HandlerClient(CreateHandler(new OutboundHandlerOptions { MaxConnectionsPerServer = maxConnectionsPerServer, InsecureSkipVerification = true }));
    }

    /// <summary>The plain-HTTP connection pool (for tests and diagnostics).</summary>
    public Http1Pool Http1Pool { get; }

    /// <summary>The client for a destination: by its scheme, and for HTTPS whether its certificate is checked.</summary>
    public IUpstreamClient For(Uri address, bool insecureSkipVerification) =>
        string.Equals(address.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal) ? _http1
        : insecureSkipVerification ? _insecure
        : _secure;

    /// <summary>A handler with the gateway's defaults for outbound HTTP, changed by <paramref name="options"/>.</summary>
    public static SocketsHttpHandler CreateHandler(OutboundHandlerOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.MaxConnectionsPerServer,
            UseProxy = options.FetchDocuments,
            AllowAutoRedirect = options.FetchDocuments,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            PooledConnectionLifetime = options.PooledConnectionLifetime,
            ConnectTimeout = options.ConnectTimeout,
            // The gateway decides what tracing headers go upstream, not the handler. Null (rather
            // than a propagator that writes nothing) also leaves out the handler's per-request
            // Activity and its tags, which cost more than the rest of the request set-up.
            ActivityHeadersPropagator = null,
        };
        if (options.InsecureSkipVerification)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        return handler;
    }

    public void Dispose()
    {
        _secure.Dispose();
        _insecure.Dispose();
        Http1Pool.Dispose();
    }

    private sealed class Http1Client(Http1Pool pool) : IUpstreamClient
    {
        public ValueTask<UpstreamResponse> SendAsync(UpstreamRequest request, BackendLimiter.Backend? slot, CancellationToken cancellationToken) =>
            pool.SendAsync(request, slot, cancellationToken);
    }

    private sealed class HandlerClient(SocketsHttpHandler handler) : IUpstreamClient, IDisposable
    {
        private readonly HttpMessageInvoker _invoker = new(handler, disposeHandler: true);

        public async ValueTask<UpstreamResponse> SendAsync(UpstreamRequest request, BackendLimiter.Backend? slot, CancellationToken cancellationToken)
        {
            var message = HttpForwarder.ToMessage(request);
            try
            {
                var response = new HandlerUpstreamResponse(await _invoker.SendAsync(message, cancellationToken));
                response.Hold(slot);
                return response;
            }
            catch
            {
                message.Dispose();
                slot?.Exit();
                throw;
            }
        }

        public void Dispose() => _invoker.Dispose();
    }
}
