using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Integrations;

/// <summary>
/// <c>MOCK</c>: no backend. The request template (chosen by Content-Type, with the passthrough
/// rule) yields <c>{"statusCode": N}</c>; N picks the integration response by selection pattern;
/// that response's parameters and template make the answer. Templates are used as written: the
/// Velocity engine renders them once it lands, without changing this flow.
/// </summary>
internal sealed class MockIntegration(
    (string ContentType, string Template)[] requestTemplates,
    PassthroughBehavior passthrough,
    IntegrationResponseSet responses,
    string location,
    ILogger logger) : IIntegration
{
    public async ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
        var request = context.Http.Request;
        var chosen = TemplateSelection.ByContentType(request.ContentType, requestTemplates);
        if (chosen is null && Refuses(request.ContentType))
        {
            return GatewayError.Of(GatewayResponseType.UNSUPPORTED_MEDIA_TYPE);
        }

        var status = 200;
        if (chosen is { Template: var template } && !string.IsNullOrWhiteSpace(template))
        {
            if (!TryReadStatusCode(template, out status))
            {
                logger.LogError("{RequestId} {Location}: the MOCK request template does not give a JSON object with a numeric statusCode.", context.RequestId, location);
                return GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
            }
        }
        context.IntegrationStatus = status;

        var entry = responses.Select(status.ToString(CultureInfo.InvariantCulture));
        if (entry is null)
        {
            logger.LogError("{RequestId} {Location}: no integration response matches status {Status} and there is no default.", context.RequestId, location, status);
            return GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
        }

        var response = context.Http.Response;
        response.StatusCode = entry.StatusCode;
        foreach (var (header, source) in entry.Headers)
        {
            if (source.Resolve(context) is { } value)
            {
                response.Headers[header] = value;
            }
        }
        var body = TemplateSelection.ByAccept(request.Headers.Accept.ToString(), entry.Templates);
        response.ContentType = body?.ContentType ?? TemplateSelection.Json;
        var bytes = Encoding.UTF8.GetBytes(body?.Template ?? "");
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(request.Method) && bytes.Length > 0)
        {
            await response.Body.WriteAsync(bytes, context.Http.RequestAborted);
        }
        return null;
    }

    private bool Refuses(string? contentType) => passthrough switch
    {
        PassthroughBehavior.Never => true,
        PassthroughBehavior.WhenNoTemplates => requestTemplates.Length > 0,
        _ => false,
    };

    internal static bool TryReadStatusCode(string template, out int status)
    {
        status = 200;
        try
        {
            using var document = JsonDocument.Parse(template);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            if (!document.RootElement.TryGetProperty("statusCode", out var code))
            {
                return true;
            }
            return code.ValueKind switch
            {
                JsonValueKind.Number => code.TryGetInt32(out status),
                JsonValueKind.String => int.TryParse(code.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out status),
                _ => false,
            };
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
