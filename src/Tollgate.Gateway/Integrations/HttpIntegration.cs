using System.Buffers;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Integrations.Mapping;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Integrations;

/// <summary>Settings of an <c>HTTP</c> integration, fixed at compile time.</summary>
internal sealed record HttpIntegrationSettings(
    IntegrationUri Uri,
    string? HttpMethod,
    ParameterMappings Mappings,
    TimeSpan Timeout,
    bool InsecureSkipVerification,
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
        var target = settings.Uri.Build(context, mapped.Overrides?.Path, out var problem);
        if (target is null)
        {
            context.IntegrationError = problem;
            logger.LogError("{RequestId} {Location}: integration uri {Uri}: {Problem}.", context.RequestId, location, settings.Uri.Text, problem);
            return GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
        }
        using var message = CreateMessage(context, target, mapped);
        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.Http.RequestAborted, timeout.Token);
        var started = time.GetTimestamp();
        try
        {
            using var response = await forwarder.Client(settings.InsecureSkipVerification).SendAsync(message, linked.Token);
            context.IntegrationStatus = (int)response.StatusCode;
            var body = await ReadBodyAsync(response, linked.Token);
            context.IntegrationLatencyMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
            if (body is null)
            {
                context.IntegrationError = $"the integration response is larger than {settings.MaxResponseBytes} bytes";
                logger.LogWarning("{RequestId} {Location}: {Problem}.", context.RequestId, location, context.IntegrationError);
                return GatewayError.Of(GatewayResponseType.INTEGRATION_FAILURE);
            }
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var (name, values) in response.Headers)
            {
                foreach (var value in values)
                {
                    headers.Add(new(name, value));
                }
            }
            foreach (var (name, values) in response.Content.Headers)
            {
                foreach (var value in values)
                {
                    headers.Add(new(name, value));
                }
            }
            var result = new IntegrationResult((int)response.StatusCode, body, response.Content.Headers.ContentType?.ToString(), headers);
            return await responses.WriteAsync(context, result, ResponseMapping.StatusText((int)response.StatusCode));
        }
        catch (OperationCanceledException) when (context.Http.RequestAborted.IsCancellationRequested)
        {
            context.Http.Abort();
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            context.IntegrationError = "Endpoint request timed out";
            context.IntegrationLatencyMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
            logger.LogWarning("{RequestId} {Location}: integration timed out after {Timeout} ms: {Target}.", context.RequestId, location, settings.Timeout.TotalMilliseconds, target);
            return GatewayError.Of(GatewayResponseType.INTEGRATION_TIMEOUT);
        }
        catch (HttpRequestException e)
        {
            context.IntegrationError = e.Message;
            logger.LogWarning("{RequestId} {Location}: integration failed: {Target}: {Message}", context.RequestId, location, target, e.Message);
            return GatewayError.Of(GatewayResponseType.INTEGRATION_FAILURE);
        }
    }

    private HttpRequestMessage CreateMessage(RequestContext context, Uri target, MappedRequest mapped)
    {
        var overrides = mapped.Overrides;
        target = AppendQuery(target, context, overrides?.QueryString);
        var method = settings.HttpMethod is null or "ANY" ? context.HttpMethod : settings.HttpMethod;
        var message = new HttpRequestMessage(new HttpMethod(method), target)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
        };
        if (!mapped.Body.IsEmpty)
        {
            message.Content = new ReadOnlyMemoryContent(mapped.Body);
            message.Content.Headers.TryAddWithoutValidation("Content-Type", mapped.ContentType ?? TemplateSelection.Json);
        }
        // What API Gateway itself sends to HTTP integrations.
        message.Headers.TryAddWithoutValidation("User-Agent", "AmazonAPIGateway_" + settings.ApiId);
        message.Headers.TryAddWithoutValidation("x-amzn-apigateway-api-id", settings.ApiId);
        foreach (var (name, source) in settings.Mappings.Headers)
        {
            if (source.Resolve(context) is { } value)
            {
                SetHeader(message, name, value);
            }
        }
        if (overrides?.Headers is { } headers)
        {
            foreach (var (name, value) in headers)
            {
                SetHeader(message, name, value);
            }
        }
        return message;
    }

    private static void SetHeader(HttpRequestMessage message, string name, string value)
    {
        if (HeaderRules.IsHopByHop(name))
        {
            return;
        }
        if (HeaderRules.IsContentHeader(name))
        {
            if (message.Content is not null && !string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.Remove(name);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            return;
        }
        message.Headers.Remove(name);
        message.Headers.TryAddWithoutValidation(name, value);
    }

    private Uri AppendQuery(Uri target, RequestContext context, List<KeyValuePair<string, string>>? overrides)
    {
        if (settings.Mappings.QueryString.Count == 0 && overrides is null)
        {
            return target;
        }
        var sb = new StringBuilder(target.OriginalString);
        var hasQuery = target.OriginalString.Contains('?', StringComparison.Ordinal);
        foreach (var (name, source) in settings.Mappings.QueryString)
        {
            if (overrides is not null && Contains(overrides, name))
            {
                continue;
            }
            if (source.Resolve(context) is { } value)
            {
                sb.Append(hasQuery ? '&' : '?').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
                hasQuery = true;
            }
        }
        if (overrides is not null)
        {
            foreach (var (name, value) in overrides)
            {
                sb.Append(hasQuery ? '&' : '?').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
                hasQuery = true;
            }
        }
        return new Uri(sb.ToString());
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
    private async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        if (response.Content.Headers.ContentLength > settings.MaxResponseBytes)
        {
            return null;
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancel);
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(response.Content.Headers.ContentLength ?? 4096, settings.MaxResponseBytes) + 1);
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
