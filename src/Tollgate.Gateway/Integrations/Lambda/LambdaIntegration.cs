using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Integrations.Mapping;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Integrations.Lambda;

/// <summary>
/// <c>AWS</c> (non-proxy) to Lambda: the request template's output is the function's payload;
/// the function's result is the integration response body. A function error is matched by the
/// selection patterns against its <c>errorMessage</c> (a result matches against the empty
/// string, so usually <c>default</c>); the chosen response's template maps it.
/// </summary>
internal sealed class LambdaIntegration(LambdaTarget target, RequestMapping request, ResponseMapping responses, string location, ILogger logger) : IIntegration
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public async ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
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
