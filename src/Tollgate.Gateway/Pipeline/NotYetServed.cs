using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// Placeholders for features that are imported and kept but not enforced yet. Security features
/// fail closed: a method that requires an API key where keys are not served answers 500
/// <c>API_CONFIGURATION_ERROR</c> rather than let callers through unchecked.
/// </summary>
internal static class NotYetServed
{
    public static IRequestPolicy? ApiKeys(MethodCompilation c)
    {
        if (!c.Method.ApiKeyRequired)
        {
            return null;
        }
        c.Diagnostics.Warning(c.Location, "requires an API key; API keys are not served yet, so this method answers 500 API_CONFIGURATION_ERROR.");
        return new RefusingPolicy(c.LoggerFactory.CreateLogger("Tollgate.Pipeline"), c.Location, "API keys are not served yet");
    }

    private sealed class RefusingPolicy(ILogger logger, string location, string reason) : IRequestPolicy
    {
        public ValueTask<GatewayError?> InvokeAsync(RequestContext context)
        {
            logger.LogError("{RequestId} {Location}: refused: {Reason}.", context.RequestId, location, reason);
            return ValueTask.FromResult<GatewayError?>(GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR));
        }
    }
}
