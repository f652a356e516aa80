using System.Collections.Frozen;
using Tollgate.Gateway.Storage;

namespace Tollgate.Gateway.Policies.Throttling;

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
/// and plan set. Bound to the stage (<see cref="BoundUsage"/>), never to a
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

/// <summary>
/// A stage's usage as bound to its compiled stage (in <see cref="Pipeline.CompiledStage.Features"/>):
/// the stage's plans and keys, and each method's throttle chains by the method's index in the
/// stage's deployment, so a request finds its chain with one array index.
/// </summary>
internal sealed class BoundUsage
{
    private readonly Pipeline.CompiledMethod[] _methods;
    private readonly MethodLimits[] _limits;

    private BoundUsage(Pipeline.CompiledStage stage, StageUsage usage)
    {
        Usage = usage;
        _methods = stage.Api.Methods;
        _limits = new MethodLimits[_methods.Length];
        for (var i = 0; i < _methods.Length; i++)
        {
            _limits[i] = usage.GetMethod(_methods[i].ResourcePath, _methods[i].Model.HttpMethod);
        }
    }

    /// <summary>The stage's usage plans, API keys and throttle chains.</summary>
    public StageUsage Usage { get; }

    /// <summary>Binds <paramref name="usage"/> to <paramref name="stage"/>; null binds nothing (keys refused, nothing throttled).</summary>
    public static void Bind(Pipeline.CompiledStage stage, StageUsage? usage)
    {
        if (usage is not null)
        {
            stage.Features.Set(new BoundUsage(stage, usage));
        }
    }

    /// <summary>The usage bound to <paramref name="stage"/>; null when none was.</summary>
    public static BoundUsage? Of(Pipeline.CompiledStage stage) => stage.Features.Get<BoundUsage>();

    /// <summary>The throttle chains of <paramref name="method"/> on this stage; null for a method not of its deployment.</summary>
    public MethodLimits? For(Pipeline.CompiledMethod method)
    {
        var index = method.Index;
        return (uint)index < (uint)_methods.Length && ReferenceEquals(_methods[index], method) ? _limits[index] : null;
    }
}
