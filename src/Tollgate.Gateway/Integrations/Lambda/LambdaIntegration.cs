using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Integrations.Mapping;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Lambda;

namespace Tollgate.Gateway.Integrations.Lambda;

/// <summary>
/// <c>AWS</c> (non-proxy) to Lambda: the request template's output is the function's payload;
/// the function's result is the integration response body. A function error is matched by the
/// selection patterns against its <c>errorMessage</c> (a result matches against the empty
/// string, so usually <c>default</c>); the chosen response's template maps it.
/// </summary>
/// <remarks>
/// Header mappings (<c>integration.request.header.X</c>) that API Gateway refuses for Lambda
/// (<see cref="HeaderAction.Refuse"/>: Authorization, Connection, Content-Length, Expect,
/// Proxy-Authenticate, TE, Transfer-Encoding) answer 500 whenever they have a value, as AWS does.
/// </remarks>
internal sealed class LambdaIntegration(
    LambdaTarget target,
    RequestMapping request,
    ResponseMapping responses,
    (string Header, ParameterSource Source)[] refusedHeaders,
    string location,
    ILogger logger) : IIntegration
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>The header mappings of <paramref name="requestParameters"/> that API Gateway refuses for Lambda.</summary>
    public static (string Header, ParameterSource Source)[] RefusedHeaders(IReadOnlyDictionary<string, string> requestParameters)
    {
        const string Prefix = "integration.request.header.";
        var refused = new List<(string, ParameterSource)>();
        foreach (var (key, expression) in requestParameters)
        {
            if (key.StartsWith(Prefix, StringComparison.Ordinal) && key.Length > Prefix.Length
                && HeaderRules.MappedRequest(key[Prefix.Length..], HeaderTarget.Lambda) == HeaderAction.Refuse
                && ParameterSource.Parse(expression, out _) is { } source)
            {
                refused.Add((key[Prefix.Length..], source));
            }
        }
        return [.. refused];
    }

    public async ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
        foreach (var (header, source) in refusedHeaders)
        {
            if (source.Resolve(context) is not null)
            {
                return HttpProxyIntegration.RefuseMapping(context, header, logger);
            }
        }
        var (mapped, error) = await request.MapAsync(context);
        if (mapped is null)
        {
            return error;
        }
        var payload = mapped.Body.IsEmpty ? EmptyObject : mapped.Body.ToArray();
        var (result, failed) = await target.InvokeAsync(context, payload);
        if (failed is not null)
        {
            return failed;
        }
        var selector = "";
        if (result.Outcome == LambdaOutcome.FunctionError)
        {
            selector = LambdaProxyIntegration.ErrorMessage(result.Payload) ?? "";
            context.IntegrationError = selector;
            logger.LogInformation("{RequestId} {Location}: the function failed ({Kind}): {Message}", context.RequestId, location, result.FunctionError, selector);
        }
        return await responses.WriteAsync(context, new IntegrationResult(result.StatusCode, result.Payload, "application/json", null), selector);
    }
}
