using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Config;

/// <summary>
/// What the compiled form of a deployment depends on besides its definition: the parts of the
/// config that policies and integrations read when they are compiled (server limits, Lambda
/// endpoints, IAM principals, JWT key sources, region and account). Compared by value; when it
/// changes, every deployment is compiled again. Keys, plans, stages and domain names are not
/// here: they are bound per stage, so changing them recompiles no deployment.
/// </summary>
internal sealed record DeploymentSettings(
    string? Region,
    string AccountId,
    ServerSettings Server,
    LambdaSettings Lambda,
    IamSettings Iam,
    JwtSettings Jwt)
{
    public static DeploymentSettings Of(GatewayConfig config) =>
        new(config.Region, config.AccountId, config.Server, config.Lambda, config.Iam, config.Jwt);
}

/// <summary>
/// The compiled deployments of one snapshot, by definition (compared by value), with the
/// diagnostics each compile reported. Stages that serve equal definitions share one compiled
/// deployment; the next compile reuses an entry whose definition and settings are unchanged
/// (and reports its diagnostics again, so every snapshot lists all its warnings).
/// </summary>
internal sealed class CompiledDeployments(DeploymentSettings settings)
{
    private readonly Dictionary<Api, Entry> _byDefinition = [];

    public DeploymentSettings Settings { get; } = settings;

    /// <summary>How many definitions were compiled for this snapshot (not taken from the previous one).</summary>
    public int Compiled { get; private set; }

    /// <summary>How many were taken, compiled, from the previous snapshot.</summary>
    public int Reused { get; private set; }

    /// <summary>
    /// The compiled form of <paramref name="definition"/>: already in this snapshot, else the
    /// previous snapshot's if compiled under equal settings, else compiled now.
    /// </summary>
    public CompiledApi GetOrCompile(Api definition, CompiledDeployments? previous, DiagnosticBag diagnostics,
        Func<Api, DiagnosticBag, CompiledApi> compile)
    {
        if (_byDefinition.TryGetValue(definition, out var entry))
        {
            return entry.Api;
        }
        if (previous is not null && previous.Settings == Settings && previous._byDefinition.TryGetValue(definition, out entry))
        {
            Reused++;
        }
        else
        {
            var own = new DiagnosticBag();
            var compiled = compile(definition, own);
            entry = new Entry(compiled, [.. own.Items]);
            Compiled++;
        }
        _byDefinition.Add(definition, entry);
        diagnostics.AddRange(entry.Diagnostics);
        return entry.Api;
    }

    private sealed record Entry(CompiledApi Api, ConfigDiagnostic[] Diagnostics);
}
