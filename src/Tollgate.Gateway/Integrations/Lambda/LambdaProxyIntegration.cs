using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Integrations.Mapping;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Lambda;

namespace Tollgate.Gateway.Integrations.Lambda;

/// <summary>
/// <c>AWS_PROXY</c> to Lambda: the request becomes a proxy event (payload 1.0 or 2.0), the
/// function's result becomes the response. A function error or a malformed result is 502
/// <c>{"message": "Internal server error"}</c>, a timeout 504, as in API Gateway. REST APIs pass
/// the function's headers by <see cref="HeaderRules.IntegrationResponse"/> and add
/// <c>X-Amzn-Trace-Id</c>.
/// </summary>
internal sealed class LambdaProxyIntegration(
    LambdaTarget target,
    bool payloadV2,
    ApiProfile profile,
    ImmutableArray<string> binaryMediaTypes,
    string accountId,
    string location,
    ILogger logger) : IIntegration
{
    internal static readonly GatewayError BadGateway = GatewayError.Of(GatewayResponseType.DEFAULT_5XX, "Internal server error", 502);

    public async ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
        var (body, tooLarge) = await RequestBody.GetAsync(context);
        if (body is null)
        {
            return tooLarge;
        }
        var request = context.Http.Request;
        var binary = profile.ProxyBodyBinaryUnlessText
            ? body.Length > 0 && !TextMediaTypes.IsText(request.ContentType)
            : MediaTypes.IsBinary(binaryMediaTypes, request.ContentType);
        var fullPath = context.Path;
        // REST APIs report the path as the client sent it (percent-encoded, issue 19); HTTP APIs decode it.
        var path = context.DomainName is null ? context.ResourceRelativePath : fullPath;
        if (profile.ProxyEventDecodesPath)
        {
            path = Uri.UnescapeDataString(path);
        }
        var input = new ProxyEventInput(body, binary, path, fullPath, accountId);
        var payload = payloadV2 ? ProxyEventV2.Write(context, input) : ProxyEventV1.Write(context, input);

        var (result, error) = await target.InvokeAsync(context, payload);
        if (error is not null)
        {
            return error;
        }
        if (result.Outcome == LambdaOutcome.FunctionError)
        {
            context.IntegrationError = ErrorMessage(result.Payload) ?? result.FunctionError;
            logger.LogError("{RequestId} {Location}: the function failed ({Kind}): {Message}", context.RequestId, location, result.FunctionError, context.IntegrationError);
            return BadGateway;
        }
        var response = ProxyResponse.Parse(result.Payload, payloadV2, out var problem);
        if (response is null)
        {
            context.IntegrationError = "Malformed Lambda proxy response";
            logger.LogError("{RequestId} {Location}: malformed Lambda proxy response: {Problem}.", context.RequestId, location, problem);
            return BadGateway;
        }
        return await WriteAsync(context, response);
    }

    private async ValueTask<GatewayError?> WriteAsync(RequestContext context, ProxyResponse proxy)
    {
        var http = context.Http;
        var rest = profile.LambdaProxyFiltersHeaders;
        // HTTP APIs always decode; REST APIs only when the first media type of the client's Accept
        // is a binary media type (the function's Content-Type does not count, as in API Gateway).
        var decode = profile.ProxyBodyBinaryUnlessText || MediaTypes.IsBinary(binaryMediaTypes, MediaTypes.FirstAccepted(http.Request.Headers.Accept.ToString()));
        if (!proxy.TryGetBodyBytes(decode, out var bytes))
        {
            // API Gateway: "Execution failed due to configuration error: Unable to base64 decode the body", a 500.
            context.IntegrationError = "Unable to base64 decode the body";
            logger.LogError("{RequestId} {Location}: the Lambda proxy response says isBase64Encoded, but the body is not base64.", context.RequestId, location);
            return GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
        }

        var response = http.Response;
        response.StatusCode = proxy.StatusCode;
        var headers = response.Headers;
        var contentType = false;
        foreach (var (name, value) in proxy.Headers)
        {
            string target;
            if (rest)
            {
                var action = HeaderRules.IntegrationResponse(name, HeaderTarget.Lambda);
                if (action == HeaderAction.Drop)
                {
                    continue;
                }
                target = action == HeaderAction.Remap ? HeaderRules.RemappedName(name) : name;
            }
            else
            {
                if (HeaderRules.IsHopByHop(name) || string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                target = name;
            }
            contentType |= string.Equals(target, "Content-Type", StringComparison.OrdinalIgnoreCase);
            headers.Append(target, value);
        }
        foreach (var cookie in proxy.Cookies)
        {
            headers.Append("Set-Cookie", cookie);
        }
        if (!contentType)
        {
            headers.ContentType = "application/json";
        }
        if (rest)
        {
            headers[TraceIds.Header] = context.TraceId;
        }
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(http.Request.Method) && bytes.Length > 0)
        {
            await response.Body.WriteAsync(bytes, http.RequestAborted);
        }
        return null;
    }

    internal static string? ErrorMessage(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errorMessage", out var message)
                && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return payload.Length == 0 ? null : Encoding.UTF8.GetString(payload);
        }
    }
}
