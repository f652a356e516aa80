using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Integrations.Mapping;

/// <summary>
/// The response side of a non-proxy integration (MOCK, HTTP, AWS): picks the integration
/// response by selection pattern, then writes the method response from its status, header
/// mappings and template (chosen by <c>Accept</c>, <c>$input</c> being the integration's body),
/// honouring <c>$context.responseOverride</c> and <c>contentHandling</c>. Without a template the
/// body passes through and the content type is <c>application/json</c> unless a header mapping
/// sets it, as in API Gateway.
/// </summary>
internal sealed class ResponseMapping(IntegrationResponseSet responses, ImmutableArray<string> binaryMediaTypes, string location, ILogger logger, long budgetBytes)
{
    /// <summary>Compiles the templates; <c>budgetBytes</c> is what one render may materialise (<see cref="ServerSettings.MaxTemplateMemoryBytes"/>).</summary>
    public static ResponseMapping Compile(Integration integration, Api api, string location, DiagnosticBag diagnostics, ILogger logger, long budgetBytes, bool hasIntegrationResponse) =>
        new(IntegrationResponseSet.Compile(integration.Responses, location, diagnostics, hasIntegrationResponse), api.BinaryMediaTypes, location, logger, budgetBytes);

    /// <summary>Writes the method response for <paramref name="result"/>, the entry chosen by matching <paramref name="selector"/>.</summary>
    public async ValueTask<GatewayError?> WriteAsync(RequestContext context, IntegrationResult result, string selector)
    {
        var entry = responses.Select(selector);
        if (entry is null)
        {
            context.IntegrationError = "No match for output mapping and no default output mapping configured";
            logger.LogError("{RequestId} {Location}: no integration response matches '{Selector}' and there is no default.", context.RequestId, location, selector);
            return GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
        }

        var request = context.Http.Request;
        byte[] body;
        var contentType = TemplateSelection.Json;
        OverrideValues? overrides = null;
        var chosen = TemplateSelection.ByAccept(request.Headers.Accept.ToString(), entry.Templates);
        if (chosen is { } template)
        {
            using var scope = new MappingScope(context, result.Body, budgetBytes);
            var rendered = MappingTemplates.Render(template.Template, scope, context, logger, location, $"response template '{template.ContentType}'");
            if (rendered is null)
            {
                return MappingTemplates.RenderFailed;
            }
            body = rendered;
            contentType = template.ContentType;
            // The response template's map starts from the request template's, so it holds both.
            overrides = scope.ResponseOverrides() ?? (context.TemplateOverrides is { } carried ? MappingScope.ResponseOverridesOf(carried.Response) : null);
            if (entry.ContentHandling == ContentHandling.ConvertToBinary && !TryDecode(ref body))
            {
                return DecodeFailed(context);
            }
        }
        else
        {
            // No response template: what the request template set under responseOverride still applies.
            overrides = (context.TemplateOverrides is { } carried ? MappingScope.ResponseOverridesOf(carried.Response) : null);
            body = result.Body;
            if (!TryConvertPassthrough(ref body, result.ContentType, request.Headers.Accept.ToString(), entry.ContentHandling))
            {
                return DecodeFailed(context);
            }
        }

        var response = context.Http.Response;
        response.StatusCode = overrides?.Status ?? entry.StatusCode;
        response.ContentType = contentType;
        foreach (var (header, source) in entry.Headers)
        {
            if (source.Resolve(context, result) is { } value)
            {
                // Reserved names (Content-Length, Date, Server, ...) go as x-amzn-Remapped-*, as in API Gateway.
                HeaderRules.SetMappedResponse(response.Headers, header, value);
            }
        }
        if (overrides?.Headers is { } headers)
        {
            foreach (var (name, value) in headers)
            {
                HeaderRules.SetMappedResponse(response.Headers, name, value);
            }
        }
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(request.Method) && body.Length > 0)
        {
            await response.Body.WriteAsync(body, context.Http.RequestAborted);
        }
        return null;
    }

    /// <summary>API Gateway's response conversion table for a body passed through without a template.</summary>
    private bool TryConvertPassthrough(ref byte[] body, string? backendType, string accept, ContentHandling? handling)
    {
        var backendBinary = MediaTypes.IsBinary(binaryMediaTypes, backendType);
        var acceptBinary = MediaTypes.IsBinary(binaryMediaTypes, MediaTypes.FirstAccepted(accept));
        if (backendBinary)
        {
            if (handling == ContentHandling.ConvertToText || (handling is null && !acceptBinary))
            {
                body = Encoding.ASCII.GetBytes(Convert.ToBase64String(body));
            }
            return true;
        }
        var decode = handling == ContentHandling.ConvertToBinary || (acceptBinary && handling is null);
        return !decode || TryDecode(ref body);
    }

    private static bool TryDecode(ref byte[] body)
    {
        if (!RequestMapping.TryDecodeBase64(body, out var decoded))
        {
            return false;
        }
        body = decoded;
        return true;
    }

    private GatewayError DecodeFailed(RequestContext context)
    {
        context.IntegrationError = "Unable to base64-decode the integration response";
        logger.LogError("{RequestId} {Location}: the integration response was to be converted to binary but is not base64.", context.RequestId, location);
        return GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
    }

    internal static string StatusText(int status) => status.ToString(CultureInfo.InvariantCulture);
}
