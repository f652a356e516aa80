using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Integrations;

/// <summary>
/// <c>HTTP_PROXY</c>: the request goes to the endpoint as it came (headers, query string, body),
/// changed only by the integration's parameter mappings, and the backend's response comes back as
/// it is.
/// </summary>
internal sealed class HttpProxyIntegration(
    IntegrationUri uri,
    string? httpMethod,
    ParameterMappings mappings,
    TimeSpan timeout,
    bool insecureSkipVerification,
    long maxRequestBodyBytes,
    ImmutableArray<string> upgradeProtocols,
    HttpForwarder forwarder,
    ILogger logger) : IIntegration
{
    public ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
        var target = uri.Build(context, out var failure);
        if (target is null)
        {
            return ValueTask.FromResult<GatewayError?>(failure!.Report(context, logger, context.HttpMethod + " " + context.Method?.ResourcePath, uri.Text));
        }
        target = AppendQuery(target, context);

        List<KeyValuePair<string, string>>? overrides = null;
        foreach (var (name, source) in mappings.Headers)
        {
            if (source.Resolve(context) is { } value)
            {
                (overrides ??= []).Add(new(name, value));
            }
        }
        var method = httpMethod is null or "ANY" ? context.HttpMethod : httpMethod;
        return forwarder.ForwardAsync(context, new ForwardRequest(method, target, overrides, timeout, insecureSkipVerification, maxRequestBodyBytes, upgradeProtocols));
    }

    private Uri AppendQuery(Uri target, RequestContext context)
    {
        var incoming = context.Http.Request.QueryString.Value;
        if (string.IsNullOrEmpty(incoming) && mappings.QueryString.Count == 0)
        {
            return target;
        }
        var sb = new StringBuilder(target.OriginalString);
        var hasQuery = target.OriginalString.Contains('?', StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(incoming))
        {
            sb.Append(hasQuery ? '&' : '?').Append(incoming.AsSpan(1));
            hasQuery = true;
        }
        foreach (var (name, source) in mappings.QueryString)
        {
            if (source.Resolve(context) is { } value)
            {
                sb.Append(hasQuery ? '&' : '?').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
                hasQuery = true;
            }
        }
        return UpstreamTarget.WithQuery(sb.ToString());
    }
}
