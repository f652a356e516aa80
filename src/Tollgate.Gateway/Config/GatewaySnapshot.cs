using Tollgate.Gateway.Model;
using Tollgate.Gateway.Routing;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Config;

/// <summary>
/// A compiled configuration: everything a request needs, immutable once built. Swapped as a whole
/// (one volatile reference); a request finishes on the snapshot it started with.
/// </summary>
internal sealed class GatewaySnapshot(GatewayConfig config, RequestRouter router, IReadOnlyList<ConfigDiagnostic> diagnostics, string revision)
{
    public GatewayConfig Config { get; } = config;

    public RequestRouter Router { get; } = router;

    /// <summary>The warnings the compiler reported (a snapshot with errors is never built).</summary>
    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; } = diagnostics;

    /// <summary>
    /// The revision of the load it was compiled from (<see cref="ConfigLoad.Revision"/>: for a
    /// file source the digest of the bytes parsed); empty when the source gives none. A load of
    /// the same revision is not recompiled; probes and metrics can name the config that serves.
    /// </summary>
    public string Revision { get; } = revision;

    /// <summary>The compiled API keys, usage plans and throttle chains; swapped with the rest.</summary>
    public Policies.Throttling.UsageSnapshot? Usage { get; init; }

    /// <summary>The compiled deployments, by definition; the next compile reuses the unchanged ones.</summary>
    public CompiledDeployments? Deployments { get; init; }
}

/// <summary>Holds the snapshot in use. Reads are one volatile load; a swap is one volatile store.</summary>
internal sealed class SnapshotHolder(GatewaySnapshot initial)
{
    private volatile GatewaySnapshot _current = initial;

    public GatewaySnapshot Current => _current;

    public event Action<GatewaySnapshot>? Swapped;

    public void Swap(GatewaySnapshot next)
    {
        _current = next;
        Swapped?.Invoke(next);
    }
}
