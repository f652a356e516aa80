using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Forwarding;

namespace Tollgate.Gateway.Pipeline;

/// <summary>The long-lived services that compiled policies and integrations share across snapshots.</summary>
internal sealed class GatewayServices(TimeProvider time, ILoggerFactory loggerFactory, HttpForwarder forwarder)
{
    public TimeProvider Time { get; } = time;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public HttpForwarder Forwarder { get; } = forwarder;
}
