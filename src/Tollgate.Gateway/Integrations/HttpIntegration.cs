using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Integrations.Mapping;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Upstreams;

namespace Tollgate.Gateway.Integrations;

/// <summary>Settings of an <c>HTTP</c> integration, fixed at compile time.</summary>
internal sealed record HttpIntegrationSettings(
    IntegrationUri Uri,
    string? HttpMethod,
    ParameterMappings Mappings,
    TimeSpan Timeout,
    ITargetGroup Targets,
    long MaxResponseBytes,
    string ApiId);

/// <summary>
/// <c>HTTP</c> (non-proxy): unlike <c>HTTP_PROXY</c>, nothing of the client's request reaches the
/// backend unless it is mapped: the body is the request template's output (or the body passed
/// through), headers and query parameters are only those of <c>requestParameters</c> and the
/// template's <c>$context.requestOverride</c>. The backend's answer is buffered (templates need
/// all of it) and mapped by the integration responses, selected by its status code.
/// </summary>
internal sealed class HttpIntegration(
    HttpIntegrationSettings settings,
    RequestMapping request,
    ResponseMapping responses,
    HttpForwarder forwarder,
    TimeProvider time,
    string location,
    ILogger logger) : IIntegration
{
    public async ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
        var (mapped, error) = await request.MapAsync(context);
        if (mapped is null)
        {
            return error;
        }
        var target = settings.Uri.Build(context, mapped.Overrides?.Path, out var failure);
        if (target is null)
        {
            return failure!.Report(context, logger, location, settings.Uri.Text);
        }
        var upstream = CreateRequest(context, target, mapped, out var refusedHeader);
        if (refusedHeader is not null)
        {
            return HttpProxyIntegration.RefuseMapping(context, refusedHeader, logger);
        }
        if (upstream.Problem() is { } problem)
        {
            return ForwarderErrors.Apply(context, new ForwardResult(ForwarderError.RequestInvalid, Detail: problem), upstream.Target, settings.Timeout, logger);
        }
        if (settings.Targets.Pick(upstream.Target) is not { } destination)
        {
            return ForwarderErrors.Apply(context, new ForwardResult(ForwarderError.NoAvailableDestination), upstream.Target, settings.Timeout, logger, location);
        }
        if (destination.Address != upstream.Target)
        {
            upstream = upstream.WithTarget(destination.Address);
        }
        // The integration timeout covers the whole exchange here: the body is needed before answering.
        using var cancel = forwarder.Cancellation(settings.Timeout, context.Http.RequestAborted);
        var started = time.GetTimestamp();
        ForwardResult failed;
        try
        {
            using var response = await forwarder.SendAsync(destination, upstream, cancel.Token);
            context.IntegrationStatus = response.StatusCode;
            var body = await ReadBodyAsync(response, cancel.Token);
            context.IntegrationLatencyMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
            if (body is null)
            {
                failed = new ForwardResult(ForwarderError.ResponseBodyTooLarge, Detail: $"the integration response is larger than {settings.MaxResponseBytes} bytes");
            }
            else
            {
                var headers = new List<KeyValuePair<string, string>>(response.Headers);
                var result = new IntegrationResult(response.StatusCode, body, response.Header("Content-Type"), headers);
                return await responses.WriteAsync(context, result, ResponseMapping.StatusText(response.StatusCode));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or BackendBusyException or HttpRequestException or IOException)
        {
            failed = forwarder.Failure(e, cancel, context.Http.RequestAborted, started);
        }
        return ForwarderErrors.Apply(context, failed, destination.Address, settings.Timeout, logger, location);
    }

    /// <summary>
    /// The integration request; <paramref name="refusedHeader"/> names a mapped header API Gateway
    /// refuses to set (the request then answers 500, <see cref="HeaderAction.Refuse"/>).
    /// </summary>
    private UpstreamRequest CreateRequest(RequestContext context, Uri target, MappedRequest mapped, out string? refusedHeader)
    {
        refusedHeader = null;
        var overrides = mapped.Overrides;
        target = AppendQuery(target, context, overrides?.QueryString);
        var method = settings.HttpMethod is null or "ANY" ? context.HttpMethod : settings.HttpMethod;
        var request = new UpstreamRequest(method, target);
        if (!mapped.Body.IsEmpty)
        {
            request.Body = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(mapped.Body, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(mapped.Body.ToArray(), writable: false);
            request.ContentLength = mapped.Body.Length;
            request.Add("Content-Type", mapped.ContentType ?? TemplateSelection.Json);
        }
        // What API Gateway itself sends to HTTP integrations.
        request.Add("User-Agent", "AmazonAPIGateway_" + settings.ApiId);
        request.Add(HttpForwarder.ApiIdHeader, settings.ApiId);
        var accept = false;
        foreach (var (name, source) in settings.Mappings.Headers)
        {
            if (source.Resolve(context) is { } value && !SetHeader(request, name, value, ref accept))
            {
                refusedHeader = name;
                return request;
            }
        }
        if (overrides?.Headers is { } headers)
        {
            foreach (var (name, value) in headers)
            {
                if (!SetHeader(request, name, value, ref accept))
                {
                    refusedHeader = name;
                    return request;
                }
            }
        }
        if (!accept)
        {
            // API Gateway asks a non-proxy HTTP endpoint for JSON unless a mapping says otherwise (recorded from AWS).
            request.Add("Accept", TemplateSelection.Json);
        }
        return request;
    }

    /// <summary>Sets a mapped header by REST APIs' table; false when API Gateway refuses the mapping.</summary>
    private static bool SetHeader(UpstreamRequest request, string name, string value, ref bool accept)
    {
        switch (HeaderRules.MappedRequest(name, HeaderTarget.Http))
        {
            case HeaderAction.Refuse:
                return false;
            case HeaderAction.Drop:
                return true;
        }
        if (HeaderRules.IsContentHeader(name) && request.Body is null)
        {
            // Content fields travel with a body only.
            return true;
        }
        accept |= string.Equals(name, "Accept", StringComparison.OrdinalIgnoreCase);
        request.Set(name, value);
        return true;
    }

    private Uri AppendQuery(Uri target, RequestContext context, List<KeyValuePair<string, string>>? overrides)
    {
        if (settings.Mappings.QueryString.Count == 0 && overrides is null)
        {
            return target;
        }
        var query = new QueryBuilder();
        foreach (var (name, source) in settings.Mappings.QueryString)
        {
            if (overrides is not null && Contains(overrides, name))
            {
                continue;
            }
            if (source.Resolve(context) is { } value)
            {
                query.Add(name, value);
            }
        }
        if (overrides is not null)
        {
            foreach (var (name, value) in overrides)
            {
                query.Add(name, value);
            }
        }
        return query.ApplyTo(target.OriginalString);
    }

    private static bool Contains(List<KeyValuePair<string, string>> values, string name)
    {
        foreach (var (key, _) in values)
        {
            if (key == name)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The whole response body, or null when it is larger than the limit.</summary>
    private async Task<byte[]?> ReadBodyAsync(UpstreamResponse response, CancellationToken cancel)
    {
        long? declared = long.TryParse(response.Header("Content-Length"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length) ? length : null;
        if (declared > settings.MaxResponseBytes)
        {
            return null;
        }
        var stream = response.Body;
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(declared ?? 4096, settings.MaxResponseBytes) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await stream.ReadAsync(memory, cancel);
            if (read == 0)
            {
                break;
            }
            buffer.Advance(read);
            if (buffer.WrittenCount > settings.MaxResponseBytes)
            {
                return null;
            }
        }
        return buffer.WrittenSpan.ToArray();
    }
}
