using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Integrations.Mapping;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Integrations;

/// <summary>
/// <c>MOCK</c>: no backend. The request template (chosen by Content-Type, with the passthrough
/// rule), rendered with Velocity, yields <c>{"statusCode": N}</c>; N picks the integration
/// response by selection pattern; that response's parameters and template make the answer.
/// A template that does not give JSON at all (<c>{statusCode: 200}</c>) selects 200, as API
/// Gateway does (recordings of real AWS, issue 19); JSON of the wrong shape is a 500.
/// </summary>
internal sealed class MockIntegration(RequestMapping request, ResponseMapping responses, string location, ILogger logger) : IIntegration
{
    public async ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
        var (mapped, error) = await request.MapAsync(context, passthroughNeedsBody: false);
        if (mapped is null)
        {
            return error;
        }
        var status = 200;
        if (mapped.Templated && !IsBlank(mapped.Body.Span) && !TryReadStatusCode(mapped.Body.Span, out status))
        {
            context.IntegrationError = "the MOCK request template did not give a JSON object with a numeric statusCode";
            logger.LogError("{RequestId} {Location}: the MOCK request template does not give a JSON object with a numeric statusCode.", context.RequestId, location);
            return GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
        }
        context.IntegrationStatus = status;
        context.IntegrationLatencyMs = 0;
        return await responses.WriteAsync(context, IntegrationResult.Mock(status), status.ToString(CultureInfo.InvariantCulture));
    }

    private static bool IsBlank(ReadOnlySpan<byte> text) => text.Trim(" \t\r\n"u8).IsEmpty;

    internal static bool TryReadStatusCode(string template, out int status) => TryReadStatusCode(Encoding.UTF8.GetBytes(template), out status);

    internal static bool TryReadStatusCode(ReadOnlySpan<byte> json, out int status)
    {
        status = 200;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (!JsonElement.TryParseValue(ref reader, out var parsed))
            {
                return true; // not JSON: AWS takes the default, 200
            }
            if (parsed is not { ValueKind: JsonValueKind.Object } root)
            {
                return false;
            }
            if (!root.TryGetProperty("statusCode", out var code))
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
            return true; // not JSON: AWS takes the default, 200
        }
    }
}
