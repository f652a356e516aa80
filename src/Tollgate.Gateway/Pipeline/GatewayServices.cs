using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Policies.Authorizers;
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

    /// <summary>Throttle buckets, quota counters and the usage store. Default: in memory only (the server sets the durable one).</summary>
    public UsageServices Usage
    {
        get => _usage ?? LazyInitializer.EnsureInitialized(ref _usage, () => new UsageServices(Time));
        init => _usage = value;
    }

    private UsageServices? _usage;

    /// <summary>The access-log writers, one per destination, kept across reloads.</summary>
    public Observability.AccessLogDestinations AccessLogs { get; } = new(loggerFactory, time);

    /// <summary>JWKS keys and the Lambda authorizer result cache, kept across reloads.</summary>
    public AuthorizerServices Authorizers { get; } = new(time);
}
