using Tollgate.Gateway.Integrations.HttpApi;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Cors;
using Tollgate.Gateway.Routing;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>HTTP API (v2) specifics: route keys, integration types and mappings, CORS.</summary>
internal static partial class ConfigValidator
{
    private static void ValidateHttpApi(Api api, DiagnosticBag diagnostics)
    {
        var where = $"API '{api.Id}'";
        if (api.Protocol != ApiProtocol.Http)
        {
            return;
        }
        if (api.Cors is { } cors)
        {
            CorsConfiguration.Parse(cors, where, diagnostics);
        }
        if (!api.GatewayResponses.IsEmpty)
        {
            diagnostics.Warning(where, "HTTP APIs have no gateway responses; x-amazon-apigateway-gateway-responses is ignored and errors keep AWS's HTTP API bodies.");
        }
        foreach (var resource in api.Resources)
        {
            var isDefault = resource.Path == HttpApiRoutes.DefaultRoute;
            foreach (var method in resource.Methods.Values.OrderBy(m => m.HttpMethod, StringComparer.Ordinal))
            {
                var at = isDefault ? $"{where}, route '$default'" : $"{where}, route '{method.HttpMethod} {resource.Path}'";
                if (isDefault && method.HttpMethod != "ANY")
                {
                    diagnostics.Error(at, $"the $default route has no method of its own: declare it as x-amazon-apigateway-any-method, not '{method.HttpMethod.ToLowerInvariant()}'.");
                }
                if (method.Integration is { } integration)
                {
                    ValidateHttpApiIntegration(integration, at, diagnostics);
                }
            }
        }
    }

    private static void ValidateHttpApiIntegration(Integration integration, string where, DiagnosticBag diagnostics)
    {
        switch (integration.Type)
        {
            case IntegrationType.HttpProxy:
                if (integration.PayloadFormatVersion is { } version && version != "1.0")
                {
                    diagnostics.Error(where, $"HTTP_PROXY integrations use payload format 1.0, not {version}.");
                }
                HttpApiMappings.Compile(integration.RequestParameters, integration.ResponseParameters, where, diagnostics);
                break;
            case IntegrationType.AwsProxy:
                break;
            case IntegrationType.Mock:
                // Not in AWS's HTTP APIs, but harmless and handy for hand-written configs and tests.
                break;
            default:
                diagnostics.Error(where, $"HTTP APIs integrate with AWS_PROXY (Lambda) or HTTP_PROXY; {TypeName(integration.Type)} integrations, with their mapping templates, exist only in REST APIs.");
                break;
        }
        if (integration.Type != IntegrationType.HttpProxy && !integration.ResponseParameters.IsEmpty)
        {
            diagnostics.Warning(where, "responseParameters are applied to HTTP_PROXY integrations only; ignored here.");
        }
    }
}
