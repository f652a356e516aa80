using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Integrations;

/// <summary>
/// Stands in for an integration the gateway imported and kept but cannot run: the request gets
/// 500 <c>API_CONFIGURATION_ERROR</c> and the log says why.
/// </summary>
internal sealed class NotServedIntegration(string location, string reason, ILogger logger) : IIntegration
{
    public ValueTask<GatewayError?> InvokeAsync(RequestContext context)
    {
        logger.LogError("{RequestId} {Location}: {Reason}.", context.RequestId, location, reason);
        context.IntegrationError = reason;
        return ValueTask.FromResult<GatewayError?>(GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR));
    }
}
