using System.Collections.Frozen;
using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Policies.ApiKeys;

namespace Tollgate.Gateway.Policies.Throttling;

/// <summary>
/// Keys, plans and throttle chains compiled from one <see cref="Model.GatewayConfig"/>; immutable,
/// part of the runtime snapshot that is swapped as a whole on reload.
/// </summary>
internal sealed class UsageSnapshot(
    ApiKeyTable keys,
    FrozenDictionary<string, CompiledPlan> plansById,
    FrozenDictionary<(string ApiId, string Stage), StageUsage> stages,
    BucketSpec account)
{
    public ApiKeyTable Keys { get; } = keys;

    public FrozenDictionary<string, CompiledPlan> PlansById { get; } = plansById;

    /// <summary>The account-level bucket, last in every chain.</summary>
    public BucketSpec Account { get; } = account;

    /// <summary>The stage's usage (plans and method chains). Every stage of every API has one.</summary>
    public StageUsage? FindStage(string apiId, string stageName) =>
        stages.TryGetValue((apiId, stageName), out var stage) ? stage : null;
}
