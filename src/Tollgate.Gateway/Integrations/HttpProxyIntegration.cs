using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Upstreams;

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
    ITargetGroup targets,
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
            if (source.Resolve(context) is not { } value)
            {
                continue;
            }
            switch (HeaderRules.MappedRequest(name, HeaderTarget.HttpProxy))
            {
                case HeaderAction.Refuse:
                    return ValueTask.FromResult<GatewayError?>(RefuseMapping(context, name, logger));
                case HeaderAction.Drop:
                    continue;
                default:
                    (overrides ??= []).Add(new(name, value));
                    break;
            }
        }
        var method = httpMethod is null or "ANY" ? context.HttpMethod : httpMethod;
        if (targets.Pick(target) is not { } destination)
        {
            return ForwarderErrors.NoDestination(context, target, timeout, logger);
        }
        return ForwarderErrors.ProxyAsync(context, forwarder, new ForwardRequest(method, destination, overrides, timeout, maxRequestBodyBytes, upgradeProtocols,
            ForwarderErrors.ForwardedFor(context), RestHeaderRules: true, ApiId: context.Stage?.Api.Id), logger);
    }

    /// <summary>
    /// API Gateway's answer to a request whose integration request would set a header it does not
    /// let a mapping set (<see cref="HeaderAction.Refuse"/>: Content-Length, Transfer-Encoding, and
    /// for Lambda also Authorization, Connection, Expect, Proxy-Authenticate, TE): 500, nothing sent.
    /// </summary>
    internal static GatewayError RefuseMapping(RequestContext context, string header, ILogger logger)
    {
        context.IntegrationError = $"the integration request header '{header}' cannot be set by a mapping";
        logger.LogError("{RequestId} {Method} {Resource}: {Problem}; API Gateway refuses such a request with 500.", context.RequestId, context.HttpMethod, context.Method?.ResourcePath, context.IntegrationError);
        return GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
    }

    private Uri AppendQuery(Uri target, RequestContext context)
    {
        var incoming = context.Http.Request.QueryString.Value;
        if (string.IsNullOrEmpty(incoming) && mappings.QueryString.Count == 0)
        {
            return target;
        }
        var query = new QueryBuilder().AddRaw(incoming);
        foreach (var (name, source) in mappings.QueryString)
        {
            if (source.Resolve(context) is { } value)
            {
                query.Add(name, value);
            }
        }
        return query.ApplyTo(target.OriginalString);
    }
}
