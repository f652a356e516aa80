using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Upstreams;

namespace Tollgate.Gateway.Integrations.HttpApi;

/// <summary>
/// <c>HTTP_PROXY</c> on an HTTP API (payload format 1.0): the request goes to the integration URI
/// (its <c>{name}</c> / <c>{name+}</c> filled from path parameters; for the <c>$default</c> route
/// the whole request path appended, as AWS does) with the query string the client sent, changed by
/// the v2 parameter mappings; the response streams back, its head changed by the response mappings
/// for its status code. Only a mapping that reads <c>$response.body</c> makes the body buffered.
/// </summary>
internal sealed class HttpApiProxyIntegration(
    IntegrationUri uri,
    bool appendRequestPath,
    string? httpMethod,
    HttpApiMappings mappings,
    TimeSpan timeout,
    ITargetGroup targets,
    long maxRequestBodyBytes,
    ImmutableArray<string> upgradeProtocols,
    HttpForwarder forwarder,
    ILogger logger) : IIntegration, IForwardTransform
{
    public ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
        var target = BuildTarget(context, out var failure);
        if (target is null)
        {
            return ValueTask.FromResult<GatewayError?>(failure!.Report(context, logger, context.HttpMethod + " " + context.Method?.ResourcePath, uri.Text));
        }
        var method = httpMethod is null or "ANY" ? context.HttpMethod : httpMethod;
        var transform = mappings.IsEmpty ? null : this;
        if (targets.Pick(target) is not { } destination)
        {
            return ForwarderErrors.NoDestination(context, target, timeout, logger);
        }
        return ForwarderErrors.ProxyAsync(context, forwarder, new ForwardRequest(method, destination, null, timeout, maxRequestBodyBytes, upgradeProtocols,
            ForwarderErrors.ForwardedFor(context), transform, context), logger);
    }

    internal Uri? BuildTarget(RequestContext context, out TargetFailure? failure)
    {
        var built = uri.Build(context, out failure);
        if (built is null)
        {
            return null;
        }
        var path = built.AbsolutePath;
        if (appendRequestPath)
        {
            path = path.TrimEnd('/') + context.ResourceRelativePath;
        }
        if (mappings.Path?.Resolve(context) is { } overwritten)
        {
            path = overwritten.StartsWith('/') ? overwritten : "/" + overwritten;
        }
        var query = Query(built.Query, context.Http.Request.QueryString.Value, context);
        var text = built.GetLeftPart(UriPartial.Authority) + path + query;
        return UpstreamTarget.Create(text, out failure);
    }

    private string Query(string fromUri, string? incoming, RequestContext context)
    {
        var query = new QueryBuilder().AddRaw(fromUri).AddRaw(incoming);
        if (mappings.QueryString.Length == 0)
        {
            return query.ToString();
        }
        query.Split();
        foreach (var mapping in mappings.QueryString)
        {
            var value = mapping.Operation == MappingOperation.Remove ? "" : mapping.Value.Resolve(context);
            if (value is null)
            {
                continue;
            }
            if (mapping.Operation != MappingOperation.Append)
            {
                query.Remove(mapping.Name);
            }
            if (mapping.Operation != MappingOperation.Remove)
            {
                query.Add(mapping.Name, value);
            }
        }
        return query.ToString();
    }

    public void OnRequest(object? state, UpstreamRequest request)
    {
        var context = (RequestContext)state!;
        foreach (var mapping in mappings.RequestHeaders)
        {
            if (mapping.Operation == MappingOperation.Remove)
            {
                request.Remove(mapping.Name);
                continue;
            }
            if (HeaderRules.IsContentHeader(mapping.Name) && request.Body is null)
            {
                // Content fields travel with a body only.
                continue;
            }
            if (mapping.Value.Resolve(context) is not { } value)
            {
                continue;
            }
            if (mapping.Operation == MappingOperation.Overwrite)
            {
                request.Set(mapping.Name, value);
            }
            else
            {
                request.Append(mapping.Name, value);
            }
        }
    }

    public bool NeedsResponseBody(int statusCode) =>
        mappings.Responses.TryGetValue(statusCode, out var response) && response.ReadsBody;

    public void OnResponse(object? state, UpstreamResponse response, long latencyMs, HttpResponse outbound, ReadOnlyMemory<byte>? body)
    {
        var context = (RequestContext)state!;
        // $context.integration.status and .latency as a response mapping may read them now.
        context.IntegrationStatus = response.StatusCode;
        context.IntegrationLatencyMs = latencyMs;
        if (!mappings.Responses.TryGetValue(response.StatusCode, out var rules))
        {
            return;
        }
        using var document = body is { } bytes ? TryParse(bytes) : null;
        var source = new MappingResponse(response, document?.RootElement);
        var headers = outbound.Headers;
        foreach (var mapping in rules.Headers)
        {
            if (mapping.Operation == MappingOperation.Remove)
            {
                headers.Remove(mapping.Name);
                continue;
            }
            if (mapping.Value.Resolve(context, source) is not { } value)
            {
                continue;
            }
            if (mapping.Operation == MappingOperation.Append && headers.TryGetValue(mapping.Name, out var existing))
            {
                headers[mapping.Name] = Microsoft.Extensions.Primitives.StringValues.Concat(existing, value);
            }
            else
            {
                headers[mapping.Name] = value;
            }
        }
        if (rules.StatusCode?.Resolve(context, source) is { } statusText)
        {
            if (HttpApiMappings.IsStatusCode(statusText))
            {
                outbound.StatusCode = int.Parse(statusText, CultureInfo.InvariantCulture);
                if (outbound.StatusCode is 204 or 304)
                {
                    // These statuses carry no body: the backend's is dropped.
                    outbound.ContentLength = null;
                    headers.Remove("Content-Type");
                }
            }
            else
            {
                logger.LogWarning("{RequestId} {Method} {Resource}: overwrite:statuscode gave '{Status}', not a status code; the backend's status is kept.",
                    context.RequestId, context.HttpMethod, context.Method?.ResourcePath, statusText);
            }
        }
    }

    private static JsonDocument? TryParse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>HTTP API integration URIs may name a greedy parameter as <c>{proxy+}</c>; it stands for <c>{proxy}</c>.</summary>
    internal static string NormalizeUri(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '+' && i + 1 < text.Length && text[i + 1] == '}' && i > 0 && text[i - 1] != '{')
            {
                continue;
            }
            sb.Append(text[i]);
        }
        return sb.ToString();
    }
}
