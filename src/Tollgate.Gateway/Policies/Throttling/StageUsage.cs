using System.Collections.Frozen;
using Tollgate.Gateway.Storage;

namespace Tollgate.Gateway.Policies.Throttling;

/// <summary>A usage plan as seen from one stage: the plan and its slot in that stage's method chains.</summary>
internal sealed class StagePlan(CompiledPlan plan, int slot)
{
    public CompiledPlan Plan { get; } = plan;

    public int Slot { get; } = slot;
}

/// <summary>
/// The throttle chains of one method of one stage, compiled: which buckets a request takes, most
/// specific first (usage plan per-method, usage plan, stage per-method, account).
/// </summary>
internal sealed class MethodLimits(BucketSpec[] anonymous, BucketSpec[][] byPlanSlot)
{
    /// <summary>The chain of a request without a usage plan (the method requires no key).</summary>
    public BucketSpec[] Anonymous { get; } = anonymous;

    /// <summary>The chain of a request under a plan: an index, no search.</summary>
    public BucketSpec[] ChainFor(StagePlan? plan) => plan is null ? Anonymous : byPlanSlot[plan.Slot];
}

/// <summary>
/// The usage plans, API keys and method limits of one API stage, compiled with the snapshot's key
/// and plan set. Bound to the stage (<see cref="Pipeline.CompiledStage.Usage"/>), never to a
/// compiled method: a reload that changes only keys or plans rebinds stages and recompiles no API.
/// </summary>
internal sealed class StageUsage(
    string apiId,
    string stageName,
    ApiKeys.ApiKeyTable keys,
    FrozenDictionary<string, StagePlan> planByKeyId,
    FrozenDictionary<string, MethodLimits> methods,
    MethodLimits otherMethods)
{
    public string ApiId { get; } = apiId;

    public string StageName { get; } = stageName;

    /// <summary>The snapshot's API keys (every stage of a snapshot holds the same table).</summary>
    public ApiKeys.ApiKeyTable Keys { get; } = keys;

    /// <summary>The key's plan on this stage (AWS allows at most one).</summary>
    public bool TryGetPlan(string keyId, out StagePlan plan) => planByKeyId.TryGetValue(keyId, out plan!);

    /// <summary>
    /// The limits of a method, by the resource's path template and the method as defined on the
    /// resource (<c>ANY</c> for an any-method). Called when a stage is bound, never per request;
    /// a method the API does not declare gets the stage's <c>*/*</c> defaults.
    /// </summary>
    public MethodLimits GetMethod(string resourcePath, string httpMethod) =>
        methods.TryGetValue(UsageCompiler.MethodKey(resourcePath, httpMethod), out var limits) ? limits : otherMethods;
}
