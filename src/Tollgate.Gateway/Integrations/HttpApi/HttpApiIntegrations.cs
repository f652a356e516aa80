using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Routing;

namespace Tollgate.Gateway.Integrations.HttpApi;

/// <summary>Compiles the integrations of HTTP API routes that differ from REST's: <c>HTTP_PROXY</c> with v2 mappings.</summary>
internal static class HttpApiIntegrations
{
    public static IIntegration CreateHttpProxy(MethodCompilation c, Integration integration, long maxRequestBodyBytes, ILogger logger)
    {
        if (string.IsNullOrEmpty(integration.Uri))
        {
            c.Diagnostics.Error(c.Location, "HTTP_PROXY integration has no uri.");
            return new NotServedIntegration(c.Location, "no uri", logger);
        }
        var mappings = HttpApiMappings.Compile(integration.RequestParameters, integration.ResponseParameters, c.Location, c.Diagnostics);
        var uri = IntegrationUri.Compile(HttpApiProxyIntegration.NormalizeUri(integration.Uri),
            ImmutableDictionary<string, ParameterSource>.Empty, c.Location, c.Diagnostics);
        return new HttpApiProxyIntegration(
            uri,
            appendRequestPath: c.Resource.Path == HttpApiRoutes.DefaultRoute,
            integration.HttpMethod?.ToUpperInvariant(),
            mappings,
            TimeSpan.FromMilliseconds(integration.TimeoutInMillis),
            new Upstreams.SingleDestination(c.Services.Forwarder.Clients, integration.InsecureSkipVerification),
            maxRequestBodyBytes,
            c.Config.Server.UpgradeProtocols,
            c.Services.Forwarder,
            logger);
    }
}
