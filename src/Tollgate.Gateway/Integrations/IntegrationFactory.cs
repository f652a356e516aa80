using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Integrations;

/// <summary>Compiles a method's integration into the object that runs it.</summary>
internal static class IntegrationFactory
{
    public static IIntegration Create(MethodCompilation c, long maxRequestBodyBytes)
    {
        var logger = c.LoggerFactory.CreateLogger("Tollgate.Integrations");
        var integration = c.Method.Integration;
        if (integration is null)
        {
            c.Diagnostics.Warning(c.Location, "has no x-amazon-apigateway-integration; requests to it answer 500 API_CONFIGURATION_ERROR.");
            return new NotServedIntegration(c.Location, "the method has no integration", logger);
        }
        if (c.Api.Protocol == ApiProtocol.Http && integration.Type == IntegrationType.HttpProxy)
        {
            // HTTP APIs map parameters in their own syntax (append|overwrite|remove:header.X, ...).
            return HttpApi.HttpApiIntegrations.CreateHttpProxy(c, integration, maxRequestBodyBytes, logger);
        }
        var mappings = ParameterMappings.Compile(integration.RequestParameters, c.Location, c.Diagnostics);
        switch (integration.Type)
        {
            case IntegrationType.Mock:
                return new MockIntegration(
                    [.. integration.RequestTemplates.Select(t => (t.Key, t.Value))],
                    integration.PassthroughBehavior,
                    IntegrationResponseSet.Compile(integration.Responses, c.Location, c.Diagnostics),
                    c.Location,
                    logger);
            case IntegrationType.HttpProxy:
                if (string.IsNullOrEmpty(integration.Uri))
                {
                    c.Diagnostics.Error(c.Location, "HTTP_PROXY integration has no uri.");
                    return new NotServedIntegration(c.Location, "no uri", logger);
                }
                return new HttpProxyIntegration(
                    IntegrationUri.Compile(integration.Uri, mappings.Path, c.Location, c.Diagnostics),
                    integration.HttpMethod?.ToUpperInvariant(),
                    mappings,
                    TimeSpan.FromMilliseconds(integration.TimeoutInMillis),
                    integration.InsecureSkipVerification,
                    maxRequestBodyBytes,
                    c.Services.Forwarder,
                    logger);
            default:
                var type = integration.Type switch
                {
                    IntegrationType.Http => "HTTP",
                    IntegrationType.Aws => "AWS",
                    _ => "AWS_PROXY",
                };
                c.Diagnostics.Warning(c.Location, $"{type} integrations are not served yet; requests to this method answer 500 API_CONFIGURATION_ERROR.");
                return new NotServedIntegration(c.Location, $"{type} integrations are not served yet", logger);
        }
    }
}
