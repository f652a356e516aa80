using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Integrations;

/// <summary>
/// The one place where what happened upstream (<see cref="ForwarderError"/>) becomes API
/// Gateway's answer: the gateway response, <c>$context.integrationErrorMessage</c>,
/// <c>$context.integration.status</c> and <c>.latency</c>, and the log line. The forwarder knows
/// destinations and connections; the integrations know API Gateway; this is the seam between.
/// </summary>
internal static class ForwarderErrors
{
    /// <summary>The answer when the target group has no destination for <paramref name="target"/>.</summary>
    public static ValueTask<GatewayError?> NoDestination(RequestContext context, Uri target, TimeSpan timeout, ILogger logger) =>
        ValueTask.FromResult(Apply(context, new ForwardResult(ForwarderError.NoAvailableDestination), target, timeout, logger));

    /// <summary>
    /// Forwards a proxied request and turns the outcome into the integration's answer
    /// (<see cref="Apply"/>): the one exchange of HTTP_PROXY integrations, REST and HTTP API alike.
    /// </summary>
    public static ValueTask<GatewayError?> ProxyAsync(RequestContext context, HttpForwarder forwarder, ForwardRequest request, ILogger logger)
    {
        var forwarding = forwarder.ForwardAsync(context.Http, request);
        var target = request.Destination.Address;
        return forwarding.IsCompletedSuccessfully
            ? ValueTask.FromResult(Apply(context, forwarding.Result, target, request.Timeout, logger))
            : AnswerAsync(context, forwarding, target, request.Timeout, logger);
    }

    // Pooled: the forwarding of nearly every request completes asynchronously.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<GatewayError?> AnswerAsync(RequestContext context, ValueTask<ForwardResult> forwarding, Uri target, TimeSpan timeout, ILogger logger) =>
        Apply(context, await forwarding, target, timeout, logger);

    private static readonly GatewayError Busy = GatewayError.Of(GatewayResponseType.DEFAULT_5XX, "Service Unavailable", StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// Records <paramref name="result"/> on the request and returns the gateway response to send,
    /// or null when the answer was written (or the exchange was cut off and there is nothing left
    /// to answer). <paramref name="location"/> names the method on log lines (null: not named).
    /// </summary>
    public static GatewayError? Apply(RequestContext context, in ForwardResult result, Uri target, TimeSpan timeout, ILogger logger, string? location = null)
    {
        if (result.Status is { } status)
        {
            context.IntegrationStatus = status;
        }
        if (result.LatencyMs >= 0)
        {
            context.IntegrationLatencyMs = result.LatencyMs;
        }
        if (result.Error == ForwarderError.None)
        {
            return null;
        }
        var where = location is null ? "" : " " + location + ":";
        switch (result.Error)
        {
            case ForwarderError.RequestCanceled:
                // Recorded by the completion point (ClientAborted); nothing is left to answer.
                logger.LogDebug("{RequestId}{Where} client went away before the integration answered.", context.RequestId, where);
                context.Http.Abort();
                return null;
            case ForwarderError.RequestInvalid:
                context.IntegrationError = result.Detail;
                logger.LogWarning("{RequestId}{Where} integration request not sent: {Problem}.", context.RequestId, where, result.Detail);
                return GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
            case ForwarderError.RequestBodyTooLarge:
                context.IntegrationError = "request body too large";
                return GatewayError.Of(GatewayResponseType.REQUEST_TOO_LARGE, result.Detail ?? "Request Too Long");
            case ForwarderError.RequestBodyInvalid:
                // The client's own body was malformed (a bad chunk size, a bare LF, an overflowing
                // length): the client's fault, answered 400, not a failure of the endpoint.
                context.IntegrationError = result.Detail;
                logger.LogDebug("{RequestId}{Where} malformed request body: {Message}", context.RequestId, where, result.Detail);
                return GatewayError.Of(GatewayResponseType.DEFAULT_4XX);
            case ForwarderError.BackendBusy:
            case ForwarderError.NoAvailableDestination:
                // 503, like Envoy's overflow and an ALB without a healthy target. The forwarder logs
                // refusals itself, at most once a second per backend.
                context.IntegrationError = result.Detail ?? "no destination available";
                return Busy;
            case ForwarderError.RequestTimedOut:
                context.IntegrationError = "Endpoint request timed out";
                logger.LogWarning("{RequestId}{Where} integration timed out after {Timeout} ms: {Target}.", context.RequestId, where, timeout.TotalMilliseconds, target);
                return GatewayError.Of(GatewayResponseType.INTEGRATION_TIMEOUT);
            case ForwarderError.ResponseBodyTimedOut:
            case ForwarderError.ResponseBodyIdle:
                context.IntegrationError = "Endpoint response body timed out";
                logger.LogWarning("{RequestId}{Where} integration response body: nothing received for {Timeout} ms, exchange aborted: {Target}.",
                    context.RequestId, where, timeout.TotalMilliseconds, target);
                // Before anything was sent the client gets the timeout's answer; after, the
                // response is cut off (recorded first, so the record is there when the client sees it).
                if (result.Error == ForwarderError.ResponseBodyTimedOut)
                {
                    return GatewayError.Of(GatewayResponseType.INTEGRATION_TIMEOUT);
                }
                context.CutResponse();
                return null;
            case ForwarderError.ResponseBodyTooLarge:
            case ForwarderError.ResponseBodyFailed:
                context.IntegrationError = result.Detail;
                logger.LogWarning("{RequestId}{Where} integration response body could not be read: {Message}", context.RequestId, where, result.Detail);
                return GatewayError.Of(GatewayResponseType.INTEGRATION_FAILURE);
            case ForwarderError.ResponseCut:
                // The head is gone already and the forwarder ended the exchange abruptly (the
                // completion point also says whether it was the client that went away).
                context.ResponseCut = true;
                return null;
            default:
                // ConnectFailed, RequestFailed: the endpoint could not be reached or did not answer.
                context.IntegrationError = result.Detail;
                logger.LogWarning("{RequestId}{Where} integration failed: {Target}: {Message}", context.RequestId, where, target, result.Detail);
                return GatewayError.Of(GatewayResponseType.INTEGRATION_FAILURE);
        }
    }

    /// <summary>
    /// The <c>X-Forwarded-For</c> the gateway passes on: the client's list with the client's own
    /// address appended; null when the address is unknown. Proxied requests and Lambda proxy
    /// events carry the same value.
    /// </summary>
    public static string? ForwardedFor(RequestContext context)
    {
        if (context.SourceIp is not { Length: > 0 } remote)
        {
            return null;
        }
        var sent = context.Http.Request.Headers["X-Forwarded-For"].ToString();
        return sent.Length == 0 ? remote : sent + ", " + remote;
    }

    private static readonly GatewayError BadTarget = GatewayError.Of(GatewayResponseType.DEFAULT_4XX);

    /// <summary>
    /// The answer to a target that could not be made (<see cref="TargetFailure"/>): 500
    /// <c>API_CONFIGURATION_ERROR</c> for a configuration that does not give an http(s) URL, as AWS
    /// answers a bad endpoint; 400 for a request whose values would put a dot-segment into the
    /// backend's path. Records it on the request and logs it: a configuration error as an error, a
    /// refused client path at debug level (it is the client's input, often an attack: no log flood).
    /// </summary>
    public static GatewayError Report(this TargetFailure failure, RequestContext context, ILogger logger, string location, string uri)
    {
        context.IntegrationError = failure.Message;
        if (failure.ByClient)
        {
            logger.LogDebug("{RequestId} {Location}: refused: {Problem}.", context.RequestId, location, failure.Message);
        }
        else
        {
            logger.LogError("{RequestId} {Location}: integration uri {Uri}: {Problem}.", context.RequestId, location, uri, failure.Message);
        }
        return failure.Error();
    }

    /// <summary>The gateway response for a target that could not be made (<see cref="Report"/>).</summary>
    public static GatewayError Error(this TargetFailure failure) =>
        failure.ByClient ? BadTarget : GatewayError.Of(GatewayResponseType.API_CONFIGURATION_ERROR);
}
