using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Diagnostics;

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

    /// <summary>
    /// The config a deployment is compiled against: these settings and nothing else (no APIs,
    /// keys, plans or domains), so what a compile can read is exactly what decides its reuse, and
    /// a reused deployment keeps no old key set alive.
    /// </summary>
    public GatewayConfig ToConfig() => new()
    {
        Region = Region,
        AccountId = AccountId,
        Server = Server,
        Lambda = Lambda,
        Iam = Iam,
        Jwt = Jwt,
    };
}

/// <summary>
/// The compiled deployments of one snapshot, by definition (compared by value), with the
/// diagnostics each compile reported. Stages that serve equal definitions share one compiled
/// deployment; the next compile reuses an entry whose definition and settings are unchanged
/// (and reports its diagnostics again, so every snapshot lists all its warnings).
/// </summary>
internal sealed class CompiledDeployments(DeploymentSettings settings)
{
    private readonly Dictionary<DefinitionKey, Entry> _byDefinition = [];

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
        // Hashing a definition walks all of it: once per lookup, not once per dictionary.
        var key = new DefinitionKey(definition);
        if (_byDefinition.TryGetValue(key, out var entry))
        {
            return entry.Api;
        }
        if (previous is not null && previous.Settings == Settings && previous._byDefinition.TryGetValue(key, out entry))
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
        _byDefinition.Add(key, entry);
        // What all deployments of one compile share (the IAM credential store) reports to the
        // first that builds it; a reused deployment and a recompiled one must not say it twice.
        foreach (var item in entry.Diagnostics)
        {
            if (!Contains(diagnostics, item))
            {
                diagnostics.AddRange([item]);
            }
        }
        return entry.Api;
    }

    private static bool Contains(DiagnosticBag diagnostics, ConfigDiagnostic item)
    {
        foreach (var existing in diagnostics.Items)
        {
            if (existing == item)
            {
                return true;
            }
        }
        return false;
    }

    private sealed record Entry(CompiledApi Api, ConfigDiagnostic[] Diagnostics);

    /// <summary>A definition with its value hash computed once.</summary>
    private readonly struct DefinitionKey(Api definition) : IEquatable<DefinitionKey>
    {
        private readonly int _hash = definition.GetHashCode();

        public Api Definition { get; } = definition;

        public bool Equals(DefinitionKey other) => _hash == other._hash && Definition.Equals(other.Definition);

        public override bool Equals(object? obj) => obj is DefinitionKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
