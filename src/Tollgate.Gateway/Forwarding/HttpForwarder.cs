using System.Buffers;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Forwarding;

/// <summary>What to send upstream: the target and what the integration changes on the way.</summary>
internal readonly record struct ForwardRequest(
    string Method,
    Uri Target,
    List<KeyValuePair<string, string>>? HeaderOverrides,
    TimeSpan Timeout,
    bool InsecureSkipVerification,
    long MaxRequestBodyBytes,
    IForwardTransform? Transform = null);

/// <summary>
/// Proxies one request to an HTTP backend on pooled <see cref="SocketsHttpHandler"/> connections:
/// bodies are streamed both ways and never buffered, hop-by-hop headers stay behind,
/// <c>X-Forwarded-*</c> are added, WebSocket upgrades are tunnelled, and a client that hangs up
/// cancels the upstream call. Over TLS, HTTP/2 is negotiated when the backend offers it.
/// </summary>
internal sealed class HttpForwarder : IDisposable
{
    private const int CopyBufferSize = 64 * 1024;

    private readonly HttpMessageInvoker _client;
    private readonly HttpMessageInvoker _insecureClient;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public HttpForwarder(TimeProvider time, ILogger<HttpForwarder> logger)
    {
        _time = time;
        _logger = logger;
        _client = new HttpMessageInvoker(CreateHandler(insecure: false), disposeHandler: true);
        _insecureClient = new HttpMessageInvoker(CreateHandler(insecure: true), disposeHandler: true);
    }

    private static SocketsHttpHandler CreateHandler(bool insecure)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
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

    /// <summary>The pooled client, for integrations that build their own request (HTTP with mapping templates).</summary>
    public HttpMessageInvoker Client(bool insecureSkipVerification) => insecureSkipVerification ? _insecureClient : _client;

    public async ValueTask<GatewayError?> ForwardAsync(RequestContext context, ForwardRequest request)
    {
        var http = context.Http;
        var upgrade = http.Features.Get<IHttpUpgradeFeature>();
        var isUpgrade = upgrade is { IsUpgradableRequest: true } && http.Request.Headers.ContainsKey("Upgrade");

        using var message = CreateMessage(context, request, isUpgrade);
        using var timeout = new CancellationTokenSource(request.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, timeout.Token);
        var client = request.InsecureSkipVerification ? _insecureClient : _client;
        var started = _time.GetTimestamp();

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(message, linked.Token);
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested)
        {
            _logger.LogDebug(e, "{RequestId} client went away before the integration answered.", context.RequestId);
            http.Abort();
            return null;
        }
        catch (Exception e) when (IsTooLarge(e, out var limit))
        {
            context.IntegrationError = "request body too large";
            return GatewayError.Of(GatewayResponseType.REQUEST_TOO_LARGE, $"HTTP content length exceeded {limit} bytes");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            context.IntegrationError = "Endpoint request timed out";
            context.IntegrationLatencyMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            _logger.LogWarning("{RequestId} integration timed out after {Timeout} ms: {Target}.",
                context.RequestId, request.Timeout.TotalMilliseconds, request.Target);
            return GatewayError.Of(GatewayResponseType.INTEGRATION_TIMEOUT);
        }
        catch (HttpRequestException e)
        {
            context.IntegrationError = e.Message;
            _logger.LogWarning("{RequestId} integration failed: {Target}: {Message}", context.RequestId, request.Target, e.Message);
            return GatewayError.Of(GatewayResponseType.INTEGRATION_FAILURE);
        }

        using (response)
        {
            context.IntegrationStatus = (int)response.StatusCode;
            context.IntegrationLatencyMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            // The integration timeout covers the wait for the response head; the body then streams.
            timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            CopyResponseHead(response, http.Response);
            if (request.Transform is { } transform && response.StatusCode != HttpStatusCode.SwitchingProtocols)
            {
                if (transform.NeedsResponseBody((int)response.StatusCode))
                {
                    return await ForwardBufferedAsync(context, response, transform, linked.Token);
                }
                transform.OnResponse(context, response, http.Response, null);
            }

            if (response.StatusCode == HttpStatusCode.SwitchingProtocols && isUpgrade)
            {
                await TunnelAsync(upgrade!, response, http.RequestAborted);
                return null;
            }
            if (HttpMethods.IsHead(http.Request.Method) || http.Response.StatusCode is 204 or 304)
            {
                // No body to send (a response mapping may have made a 200 into a 204).
                return null;
            }
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
                await CopyAsync(body, http.Response.Body, linked.Token);
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

    /// <summary>The response for a transform that reads the body: read whole (bounded), transformed, then sent.</summary>
    private async ValueTask<GatewayError?> ForwardBufferedAsync(RequestContext context, HttpResponseMessage response, IForwardTransform transform, CancellationToken cancel)
    {
        var http = context.Http;
        byte[] body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancel);
            using var buffer = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk.AsMemory(), cancel)) > 0)
                {
                    if (buffer.Length + read > IForwardTransform.MaxBufferedBodyBytes)
                    {
                        throw new InvalidDataException($"the integration response is larger than {IForwardTransform.MaxBufferedBodyBytes} bytes");
                    }
                    buffer.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
            body = buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException or InvalidDataException)
        {
            _logger.LogWarning("{RequestId} integration response body could not be read: {Message}", context.RequestId, e.Message);
            context.IntegrationError = e.Message;
            http.Response.Clear();
            return GatewayError.Of(GatewayResponseType.INTEGRATION_FAILURE);
        }
        transform.OnResponse(context, response, http.Response, body);
        http.Response.Headers.Remove("Transfer-Encoding");
        if (http.Response.StatusCode is 204 or 304)
        {
            return null;
        }
        http.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(body, http.RequestAborted);
        }
        return null;
    }

    internal static HttpRequestMessage CreateMessage(RequestContext context, ForwardRequest request, bool isUpgrade)
    {
        var http = context.Http;
        var inbound = http.Request;
        var message = new HttpRequestMessage(HttpMethod.Parse(request.Method), request.Target);
        if (isUpgrade)
        {
            message.Version = HttpVersion.Version11;
            message.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        else
        {
            message.Version = HttpVersion.Version11;
            message.VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher;
        }

        var bodyFeature = http.Features.Get<IHttpRequestBodyDetectionFeature>();
        if (!isUpgrade && (bodyFeature?.CanHaveBody ?? inbound.ContentLength > 0))
        {
            var content = new StreamContent(new LimitedReadStream(inbound.Body, request.MaxRequestBodyBytes), CopyBufferSize);
            if (inbound.ContentLength is { } length)
            {
                content.Headers.ContentLength = length;
            }
            message.Content = content;
        }

        var connectionTokens = inbound.Headers.Connection;
        foreach (var (name, values) in inbound.Headers)
        {
            if (HeaderRules.IsHopByHop(name) || name.StartsWith(':') || NamedByConnection(connectionTokens, name))
            {
                continue;
            }
            if (HeaderRules.IsContentHeader(name))
            {
                if (message.Content is not null && !string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    AddHeader(message.Content.Headers, name, values);
                }
                continue;
            }
            AddHeader(message.Headers, name, values);
        }
        if (isUpgrade)
        {
            message.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            message.Headers.TryAddWithoutValidation("Upgrade", (IEnumerable<string>)inbound.Headers.Upgrade!);
        }

        var remote = http.Connection.RemoteIpAddress?.ToString();
        if (remote is not null)
        {
            var existing = inbound.Headers["X-Forwarded-For"].ToString();
            message.Headers.Remove("X-Forwarded-For");
            message.Headers.TryAddWithoutValidation("X-Forwarded-For", existing.Length == 0 ? remote : existing + ", " + remote);
        }
        message.Headers.Remove("X-Forwarded-Proto");
        message.Headers.TryAddWithoutValidation("X-Forwarded-Proto", inbound.Scheme);
        message.Headers.Remove("X-Forwarded-Port");
        message.Headers.TryAddWithoutValidation("X-Forwarded-Port", http.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

        if (request.HeaderOverrides is { } overrides)
        {
            foreach (var (name, value) in overrides)
            {
                if (HeaderRules.IsContentHeader(name))
                {
                    if (message.Content is not null)
                    {
                        message.Content.Headers.Remove(name);
                        message.Content.Headers.TryAddWithoutValidation(name, value);
                    }
                    continue;
                }
                message.Headers.Remove(name);
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }
        request.Transform?.OnRequest(context, message);
        return message;
    }

    /// <summary>Adds without validation; a single value (the usual case) without boxing the values as a sequence.</summary>
    private static void AddHeader(System.Net.Http.Headers.HttpHeaders headers, string name, Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count == 1)
        {
            headers.TryAddWithoutValidation(name, values[0]);
        }
        else
        {
            headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
        }
    }

    private static bool NamedByConnection(Microsoft.Extensions.Primitives.StringValues connection, string name)
    {
        foreach (var value in connection)
        {
            if (value is null)
            {
                continue;
            }
            foreach (var token in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (string.Equals(token, name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }
        return false;
    }

    internal static void CopyResponseHead(HttpResponseMessage response, HttpResponse outbound)
    {
        outbound.StatusCode = (int)response.StatusCode;
        var headers = outbound.Headers;
        var switching = response.StatusCode == HttpStatusCode.SwitchingProtocols;
        // The values as the backend sent them: neither parsed nor re-formatted on the way through.
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            CopyHeader(headers, name, values, switching);
        }
        foreach (var (name, values) in response.Content.Headers.NonValidated)
        {
            CopyHeader(headers, name, values, switching);
        }
    }

    private static void CopyHeader(IHeaderDictionary headers, string name, System.Net.Http.Headers.HeaderStringValues values, bool switching)
    {
        if (switching && string.Equals(name, "Upgrade", StringComparison.OrdinalIgnoreCase))
        {
            headers[name] = ToStringValues(values);
            return;
        }
        if (HeaderRules.IsHopByHop(name))
        {
            return;
        }
        if (HeaderRules.IsRemapped(name))
        {
            headers["x-amzn-Remapped-" + name] = ToStringValues(values);
            return;
        }
        headers[name] = ToStringValues(values);
    }

    private static Microsoft.Extensions.Primitives.StringValues ToStringValues(System.Net.Http.Headers.HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            // With one value, ToString is that value, without a copy.
            return values.ToString();
        }
        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            array[i++] = value;
        }
        return array;
    }

    private async Task TunnelAsync(IHttpUpgradeFeature upgrade, HttpResponseMessage response, CancellationToken aborted)
    {
        await using var upstream = await response.Content.ReadAsStreamAsync(aborted);
        await using var client = await upgrade.UpgradeAsync();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var toUpstream = PumpAsync(client, upstream, done.Token);
        var toClient = PumpAsync(upstream, client, done.Token);
        await Task.WhenAny(toUpstream, toClient);
        await done.CancelAsync();
        try
        {
            await Task.WhenAll(toUpstream, toClient);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug(e, "Upgraded connection closed.");
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancel)
    {
        await CopyAsync(from, to, cancel);
        // Half-close is not available on every stream; ending the other direction is the signal.
    }

    private static async Task CopyAsync(Stream from, Stream to, CancellationToken cancel)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer.AsMemory(), cancel)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancel);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsTooLarge(Exception e, out long limit)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is RequestBodyTooLargeException tooLarge)
            {
                limit = tooLarge.Limit;
                return true;
            }
        }
        limit = 0;
        return false;
    }

    public void Dispose()
    {
        _client.Dispose();
        _insecureClient.Dispose();
    }
}
