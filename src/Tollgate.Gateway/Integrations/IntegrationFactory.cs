using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Integrations.Lambda;
using Tollgate.Gateway.Integrations.Mapping;
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
        if (c.Profile.HttpApiMappings && integration.Type == IntegrationType.HttpProxy)
        {
            // HTTP APIs map parameters in their own syntax (append|overwrite|remove:header.X, ...).
            return HttpApi.HttpApiIntegrations.CreateHttpProxy(c, integration, maxRequestBodyBytes, logger);
        }
        switch (integration.Type)
        {
            case IntegrationType.Mock:
                return new MockIntegration(
                    RequestMapping.Compile(integration, c.Api, c.Location, c.Diagnostics, logger, c.Config.Server.MaxTemplateMemoryBytes),
                    ResponseMapping.Compile(integration, c.Api, c.Location, c.Diagnostics, logger, c.Config.Server.MaxTemplateMemoryBytes, hasIntegrationResponse: false),
                    c.Location,
                    logger);
            case IntegrationType.HttpProxy:
            {
                var mappings = ParameterMappings.Compile(integration.RequestParameters, c.Location, c.Diagnostics);
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
                    new Upstreams.SingleDestination(c.Services.Forwarder.Clients, integration.InsecureSkipVerification),
                    maxRequestBodyBytes,
                    c.Config.Server.UpgradeProtocols,
                    c.Services.Forwarder,
                    logger);
            }
            case IntegrationType.Http:
                return CreateHttp(c, integration, maxRequestBodyBytes, logger);
            case IntegrationType.AwsProxy:
                return CreateLambdaProxy(c, integration, integration.PayloadFormatVersion ?? c.Profile.DefaultPayloadFormatVersion);
            default:
                if (!LambdaTarget.IsLambdaUri(integration.Uri))
                {
                    c.Diagnostics.Warning(c.Location, $"AWS integrations with services other than Lambda ('{integration.Uri}') are not served; requests to this method answer 500 API_CONFIGURATION_ERROR.");
                    return new NotServedIntegration(c.Location, "AWS service integrations other than Lambda are not served", logger);
                }
                var target = LambdaTarget.Compile(c, integration, logger);
                return target is null
                    ? new NotServedIntegration(c.Location, "no Lambda endpoint", logger)
                    : new LambdaIntegration(
                        target,
                        RequestMapping.Compile(integration, c.Api, c.Location, c.Diagnostics, logger, c.Config.Server.MaxTemplateMemoryBytes),
                        ResponseMapping.Compile(integration, c.Api, c.Location, c.Diagnostics, logger, c.Config.Server.MaxTemplateMemoryBytes, hasIntegrationResponse: true),
                        LambdaIntegration.RefusedHeaders(integration.RequestParameters),
                        c.Location,
                        logger);
        }
    }

    /// <summary>
    /// <c>AWS_PROXY</c> to a Lambda function with payload format <paramref name="payloadFormatVersion"/>
    /// (<c>1.0</c> or <c>2.0</c>). REST APIs use 1.0; HTTP APIs default to 2.0 and may ask for 1.0.
    /// </summary>
    public static IIntegration CreateLambdaProxy(MethodCompilation c, Integration integration, string payloadFormatVersion)
    {
        var logger = c.LoggerFactory.CreateLogger("Tollgate.Integrations");
        if (c.Profile.LambdaProxyOnlyPost && integration.HttpMethod is { } httpMethod && !string.Equals(httpMethod, "POST", StringComparison.OrdinalIgnoreCase))
        {
            // The Lambda Invoke API takes POST only: API Gateway imports such a method and answers
            // every request to it 500 (recorded from AWS).
            c.Diagnostics.Warning(c.Location, $"AWS_PROXY integration has httpMethod '{httpMethod}'; Lambda is invoked with POST only, so requests to this method answer 500, as in API Gateway.");
            return new NotServedIntegration(c.Location, $"the AWS_PROXY integration's httpMethod is '{httpMethod}', not POST", logger);
        }
        var target = LambdaTarget.Compile(c, integration, logger);
        if (target is null)
        {
            return new NotServedIntegration(c.Location, "no Lambda function or endpoint", logger);
        }
        return new LambdaProxyIntegration(
            target,
            payloadFormatVersion == "2.0",
            c.Profile,
            c.Api.BinaryMediaTypes,
            c.Config.AccountId,
            c.Location,
            logger);
    }

    private static IIntegration CreateHttp(MethodCompilation c, Integration integration, long maxBodyBytes, ILogger logger)
    {
        var mappings = ParameterMappings.Compile(integration.RequestParameters, c.Location, c.Diagnostics);
        if (string.IsNullOrEmpty(integration.Uri))
        {
            c.Diagnostics.Error(c.Location, "HTTP integration has no uri.");
            return new NotServedIntegration(c.Location, "no uri", logger);
        }
        var settings = new HttpIntegrationSettings(
            IntegrationUri.Compile(integration.Uri, mappings.Path, c.Location, c.Diagnostics),
            integration.HttpMethod?.ToUpperInvariant(),
            mappings,
            TimeSpan.FromMilliseconds(integration.TimeoutInMillis),
            new Upstreams.SingleDestination(c.Services.Forwarder.Clients, integration.InsecureSkipVerification),
            maxBodyBytes,
            c.Api.Id);
        return new HttpIntegration(
            settings,
            RequestMapping.Compile(integration, c.Api, c.Location, c.Diagnostics, logger, c.Config.Server.MaxTemplateMemoryBytes),
            ResponseMapping.Compile(integration, c.Api, c.Location, c.Diagnostics, logger, c.Config.Server.MaxTemplateMemoryBytes, hasIntegrationResponse: true),
            c.Services.Forwarder,
            c.Services.Time,
            c.Location,
            logger);
    }
}
