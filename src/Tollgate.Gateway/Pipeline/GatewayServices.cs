using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Lambda;

namespace Tollgate.Gateway.Pipeline;

/// <summary>The long-lived services that compiled policies and integrations share across snapshots.</summary>
internal sealed class GatewayServices(TimeProvider time, ILoggerFactory loggerFactory, HttpForwarder forwarder, LambdaClient lambda)
{
    public TimeProvider Time { get; } = time;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public HttpForwarder Forwarder { get; } = forwarder;

    /// <summary>Invokes Lambda functions (authorizers and Lambda integrations).</summary>
    public LambdaClient Lambda { get; } = lambda;

    /// <summary>The access-log writers, one per destination, kept across reloads.</summary>
    public Observability.AccessLogDestinations AccessLogs { get; } = new(loggerFactory, time);

    /// <summary>
    /// The services of features above the pipeline, each under its own type: the usage services
    /// (<c>Policies.Throttling</c>), the authorizers' key and result caches
    /// (<c>Policies.Authorizers</c>). Each feature reads its own through an extension property.
    /// </summary>
    public FeatureSlots Features { get; } = new();
}
