using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Gateway.Forwarding;

/// <summary>What goes upstream: the client's request made into an <see cref="UpstreamRequest"/>, and that as a message for <see cref="SocketsHttpHandler"/>.</summary>
internal sealed partial class HttpForwarder
{
    /// <summary>
    /// The request to send upstream: the client's end-to-end headers, the integration's changes,
    /// X-Forwarded-*. <paramref name="isUpgrade"/>: the upgrade the client asked for is tunnelled
    /// (<see cref="IsAllowedUpgrade"/>); any other is dropped with the hop-by-hop fields
    /// (<c>Upgrade</c>, <c>Connection</c> and the fields it names, <c>HTTP2-Settings</c>), and the
    /// request goes as a plain one.
    /// </summary>
    internal static UpstreamRequest CreateRequest(HttpContext http, ForwardRequest request, bool isUpgrade)
    {
        var inbound = http.Request;
        var upstream = new UpstreamRequest(request.Method, request.Destination.Address);

        // An upgradable request has no body (Kestrel refuses one with a payload); what follows its
        // head is the upgraded connection's, and is never read as a body, tunnelled or not.
        var bodyFeature = http.Features.Get<IHttpRequestBodyDetectionFeature>();
        var upgradable = http.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true };
        if (!upgradable && (bodyFeature?.CanHaveBody ?? inbound.ContentLength > 0))
        {
            upstream.Body = new LimitedReadStream(inbound.Body, request.MaxRequestBodyBytes);
            upstream.ContentLength = inbound.ContentLength;
        }
        var hasBody = upstream.Body is not null;

        var connectionTokens = inbound.Headers.Connection;
        foreach (var (name, values) in inbound.Headers)
        {
            if (name.StartsWith(':') || NamedByConnection(connectionTokens, name))
            {
                continue;
            }
            if (request.RestHeaderRules ? HeaderRules.ClientRequest(name, HeaderTarget.HttpProxy) != HeaderAction.Pass : HeaderRules.IsHopByHop(name))
            {
                continue;
            }
            if (HeaderRules.IsContentHeader(name) && (!hasBody || string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase)))
            {
                // Content fields travel with a body; the length is the sending client's to write.
                continue;
            }
            if (HeaderRules.IsForwarded(name))
            {
                continue;
            }
            foreach (var value in values)
            {
                if (value is not null)
                {
                    upstream.Add(name, value);
                }
            }
        }
        if (isUpgrade)
        {
            upstream.Upgrade = inbound.Headers.Upgrade.ToString();
        }

        if (request.ForwardedFor is { } forwardedFor)
        {
            upstream.Add("X-Forwarded-For", forwardedFor);
        }
        upstream.Add("X-Forwarded-Proto", inbound.Scheme);
        upstream.Add("X-Forwarded-Port", ForwardedPort(http));
        if (request.ApiId is { } apiId)
        {
            // What API Gateway adds to HTTP_PROXY requests (recorded from AWS); a client's own is dropped by the table.
            upstream.Add(ApiIdHeader, apiId);
        }

        if (request.HeaderOverrides is { } overrides)
        {
            foreach (var (name, value) in overrides)
            {
                if (HeaderRules.IsContentHeader(name) && !hasBody)
                {
                    continue;
                }
                upstream.Set(name, value);
            }
        }
        request.Transform?.OnRequest(request.State, upstream);
        return upstream;
    }

    /// <summary>The same request as a message for <see cref="SocketsHttpHandler"/>.</summary>
    internal static HttpRequestMessage ToMessage(UpstreamRequest request)
    {
        var message = new HttpRequestMessage(HttpMethod.Parse(request.Method), request.Target)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = request.Upgrade is null ? HttpVersionPolicy.RequestVersionOrHigher : HttpVersionPolicy.RequestVersionExact,
        };
        if (request.Body is { } body)
        {
            var content = new StreamContent(body, CopyBufferSize);
            if (request.ContentLength is { } length)
            {
                content.Headers.ContentLength = length;
            }
            message.Content = content;
        }
        foreach (var (name, value) in request.Headers)
        {
            if (HeaderRules.IsContentHeader(name))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (request.Upgrade is { } upgrade)
        {
            message.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            message.Headers.TryAddWithoutValidation("Upgrade", upgrade);
        }
        return message;
    }

    /// <summary>The <c>X-Forwarded-Port</c> the gateway passes on: the port the request came in on.</summary>
    internal static string ForwardedPort(HttpContext http) => PortText(http.Connection.LocalPort);

    /// <summary>The header naming the API to an HTTP or HTTP_PROXY endpoint.</summary>
    internal const string ApiIdHeader = "x-amzn-apigateway-api-id";

    private static PortString? _lastPort;

    private sealed record PortString(int Port, string Text);

    private static string PortText(int port)
    {
        var last = _lastPort;
        if (last is not null && last.Port == port)
        {
            return last.Text;
        }
        var text = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _lastPort = new PortString(port, text);
        return text;
    }

    /// <summary>
    /// True when every protocol the client names in <c>Upgrade</c> is one of
    /// <paramref name="allowed"/> (case-insensitive; a <c>/version</c> is not compared), as Envoy
    /// tunnels only the upgrade types it is configured for. False for an empty field.
    /// </summary>
    internal static bool IsAllowedUpgrade(Microsoft.Extensions.Primitives.StringValues upgrade, ImmutableArray<string> allowed)
    {
        var any = false;
        foreach (var value in upgrade)
        {
            if (value is null)
            {
                continue;
            }
            foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var slash = item.IndexOf('/', StringComparison.Ordinal);
                var name = slash < 0 ? item : item[..slash];
                if (!Contains(allowed, name))
                {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    private static bool Contains(ImmutableArray<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
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
}
