using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.ApiKeys;
using Tollgate.Gateway.Policies.Authorizers;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Policies.Validation;

namespace Tollgate.Gateway.Pipeline;

/// <summary>
/// The rows of the method phase, in the order they run. A feature that runs per method adds its
/// row here (the stage's web ACL before the authorizer, the cache after validation); what runs on
/// every request before a method is known belongs to <see cref="RequestPhase"/>.
/// </summary>
internal enum PolicyStage
{
    Authorizer,
    ApiKey,
    Throttling,
    Validation,
}

/// <summary>What a policy factory sees when the compiler builds a method's chain.</summary>
internal sealed record MethodCompilation(
    Api Api,
    Resource Resource,
    Method Method,
    string Location,
    DiagnosticBag Diagnostics,
    GatewayServices Services)
{
    public ILoggerFactory LoggerFactory => Services.LoggerFactory;

    /// <summary>What the method's kind of API (REST or HTTP) does differently.</summary>
    public ApiProfile Profile => ApiProfile.For(Api.Protocol);

    /// <summary>
    /// The settings a method is compiled against (<see cref="DeploymentSettings.ToConfig"/>):
    /// Lambda, IAM, JWT, server limits, region and account. It holds no APIs, keys, plans or
    /// stages: a compiled method is reused by later configs whose settings are equal, so what
    /// changes per stage or per key set is bound per stage (<see cref="CompiledStage"/>).
    /// </summary>
    public GatewayConfig Config { get; init; } = new();

    /// <summary>What the methods of one API share in one compilation (e.g. the API's compiled models).</summary>
    public ApiCompilationCache Shared { get; init; } = new();
}

/// <summary>Values compiled once per deployment and shared by its methods' policies and integrations.</summary>
internal sealed class ApiCompilationCache
{
    private readonly Dictionary<string, object> _items = new(StringComparer.Ordinal);

    public T GetOrAdd<T>(string key, Func<T> create)
        where T : class
    {
        if (_items.TryGetValue(key, out var existing))
        {
            return (T)existing;
        }
        var created = create();
        _items[key] = created;
        return created;
    }
}

/// <summary>One row of the policy order table.</summary>
internal sealed record PolicySlot(PolicyStage Stage, Func<MethodCompilation, IRequestPolicy?> Create);

/// <summary>
/// The method phase: the one table that fixes the order of policies (DESIGN.md, principle 3). The compiler asks
/// each row, top to bottom, whether it applies to a method; the method's chain is the policies
/// that answered. Adding a feature means filling in its row, never reordering others.
/// </summary>
internal static class PolicyOrder
{
    public static readonly IReadOnlyList<PolicySlot> Slots =
    [
        // API Gateway authorizes first: an AUTHORIZER key source needs the authorizer's usageIdentifierKey.
        new(PolicyStage.Authorizer, MeasuredAuthorizer.Create),
        new(PolicyStage.ApiKey, ApiKeyPolicies.Create),
        new(PolicyStage.Throttling, ThrottlingPolicies.Create),
        new(PolicyStage.Validation, ValidationPolicies.Create),
    ];

    public static IRequestPolicy[] Build(MethodCompilation compilation)
    {
        var chain = new List<IRequestPolicy>();
        foreach (var slot in Slots)
        {
            if (slot.Create(compilation) is { } policy)
            {
                chain.Add(policy);
            }
        }
        return [.. chain];
    }
}
