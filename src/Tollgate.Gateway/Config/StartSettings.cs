using System.Collections.Immutable;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

/// <summary>
/// The settings that take effect only when Tollgate starts: the listeners and the limits that
/// are set on them, the drain timeout, the limiter of requests per backend, and telemetry. The
/// server reads these through this record only, once; a reload that changes any of them is
/// applied for everything else and logs that these wait for a restart
/// (<see cref="ConfigReloader"/>), rather than ignoring them silently.
/// </summary>
/// <remarks>
/// Everything else is applied by a reload, for requests that start after it: APIs, keys and
/// plans, body and template limits, upgrade protocols, access logs, the region and the Lambda
/// settings. The Lambda concurrency limits (<see cref="LambdaSettings.MaxConcurrency"/>,
/// <see cref="LambdaSettings.MaxQueued"/>, <see cref="LambdaSettings.QueueTimeout"/>) are not
/// start-only: the Lambda client reads them from the snapshot in use at each call, and a change
/// gives the function a new limiter for the calls from then on.
/// </remarks>
internal sealed record StartSettings
{
    /// <summary><c>server.listen</c>: the gateway's listeners (the command line's <c>--listen</c> wins).</summary>
    public ImmutableArray<string> Listen { get; init; } = [];

    /// <summary><c>server.adminListen</c>: the admin listener.</summary>
    public string? AdminListen { get; init; }

    /// <summary><c>server.drainTimeoutSeconds</c>: how long a shutdown waits (the host's shutdown timeout).</summary>
    public TimeSpan DrainTimeout { get; init; }

    /// <summary><c>server.keepAliveTimeoutSeconds</c>: set on Kestrel at start.</summary>
    public TimeSpan KeepAliveTimeout { get; init; }

    /// <summary><c>server.maxConnections</c>: the accept gate's limit.</summary>
    public int? MaxConnections { get; init; }

    /// <summary><c>server.maxUpgradedConnections</c>: Kestrel's limit of upgraded connections.</summary>
    public int? MaxUpgradedConnections { get; init; }

    /// <summary><c>server.maxConcurrentRequestsPerBackend</c>: the forwarder's limiter, made once.</summary>
    public int MaxConcurrentRequestsPerBackend { get; init; }

    /// <summary><c>telemetry</c>: the exporters and the sampler, started once.</summary>
    public TelemetrySettings Telemetry { get; init; } = new();

    /// <summary>The start-only settings of <paramref name="config"/>.</summary>
    public static StartSettings Of(GatewayConfig config) => new()
    {
        Listen = config.Server.Listen,
        AdminListen = config.Server.AdminListen,
        DrainTimeout = config.Server.DrainTimeout,
        KeepAliveTimeout = config.Server.KeepAliveTimeout,
        MaxConnections = config.Server.MaxConnections,
        MaxUpgradedConnections = config.Server.MaxUpgradedConnections,
        MaxConcurrentRequestsPerBackend = config.Server.MaxConcurrentRequestsPerBackend,
        Telemetry = config.Telemetry,
    };

    /// <summary>
    /// The <c>server</c> keys whose values in <paramref name="loaded"/> differ from these (the
    /// ones running), by their names in the config file, in a fixed order.
    /// </summary>
    public List<string> ServerChanges(StartSettings loaded)
    {
        var changed = new List<string>();
        if (!Listen.SequenceEqual(loaded.Listen, StringComparer.Ordinal))
        {
            changed.Add("listen");
        }
        if (!string.Equals(AdminListen, loaded.AdminListen, StringComparison.Ordinal))
        {
            changed.Add("adminListen");
        }
        if (DrainTimeout != loaded.DrainTimeout)
        {
            changed.Add("drainTimeoutSeconds");
        }
        if (KeepAliveTimeout != loaded.KeepAliveTimeout)
        {
            changed.Add("keepAliveTimeoutSeconds");
        }
        if (MaxConnections != loaded.MaxConnections)
        {
            changed.Add("maxConnections");
        }
        if (MaxUpgradedConnections != loaded.MaxUpgradedConnections)
        {
            changed.Add("maxUpgradedConnections");
        }
        if (MaxConcurrentRequestsPerBackend != loaded.MaxConcurrentRequestsPerBackend)
        {
            changed.Add("maxConcurrentRequestsPerBackend");
        }
        return changed;
    }

    /// <summary>Whether the <c>telemetry</c> section differs.</summary>
    public bool TelemetryChanged(StartSettings loaded) => Telemetry != loaded.Telemetry;
}
