using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Policies.Throttling;

/// <summary>The throttling and quota row of <see cref="Config.PolicyOrder"/>.</summary>
internal static class ThrottlingPolicies
{
    /// <summary>Every method gets one: the stage and account limits apply with or without an API key.</summary>
    public static IRequestPolicy? Create(MethodCompilation c) => new ThrottlingPolicy(c.Services.Usage.Gate);
}

/// <summary>
/// Takes the method's throttle chain (usage plan per-method, usage plan, stage per-method, account)
/// and, for a request under a usage plan, counts it against the plan's quota. The chains are
/// bound to the request's stage when the snapshot is compiled (<see cref="CompiledStage.For"/>),
/// so the policy holds nothing of the key and plan set: a request costs an array index, the
/// bucket updates and no allocation.
/// </summary>
internal sealed class ThrottlingPolicy(UsageGate gate) : IRequestPolicy
{
    private static readonly GatewayError Throttled = GatewayError.Of(GatewayResponseType.THROTTLED);
    private static readonly GatewayError QuotaExceeded = GatewayError.Of(GatewayResponseType.QUOTA_EXCEEDED);

    public ValueTask<StepResult> InvokeAsync(RequestContext context)
    {
        if (context.Stage is not { } stage || context.Method is not { } compiled || BoundUsage.Of(stage)?.For(compiled) is not { } method)
        {
            return default;
        }
        var plan = context.UsagePlan;
        var decision = gate.CheckAsync(method, plan, plan is null ? null : context.ApiKeyId);
        return decision.IsCompletedSuccessfully
            ? ValueTask.FromResult<StepResult>(ToError(decision.Result))
            : Slow(decision);
    }

    private static async ValueTask<StepResult> Slow(ValueTask<UsageDecision> decision) => ToError(await decision);

    private static GatewayError? ToError(UsageDecision decision) => decision switch
    {
        UsageDecision.Throttled => Throttled,
        UsageDecision.QuotaExceeded => QuotaExceeded,
        _ => null,
    };
}
