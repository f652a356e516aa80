using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Responses;

namespace Tollgate.Gateway.Policies.Throttling;

/// <summary>The throttling and quota row of <see cref="PolicyOrder"/>.</summary>
internal static class ThrottlingPolicies
{
    /// <summary>Every method gets one: the stage and account limits apply with or without an API key.</summary>
    public static IRequestPolicy? Create(MethodCompilation c)
    {
        if (c.Usage is not { } usage)
        {
            return null;
        }
        var names = new string[c.Api.Stages.Length];
        var limits = new MethodLimits?[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = c.Api.Stages[i].StageName;
            limits[i] = usage.FindStage(c.Api.Id, names[i])?.GetMethod(c.Resource.Path, c.Method.HttpMethod);
        }
        return new ThrottlingPolicy(c.Services.Usage.Gate, names, limits);
    }
}

/// <summary>
/// Takes the method's throttle chain (usage plan per-method, usage plan, stage per-method, account)
/// and, for a request under a usage plan, counts it against the plan's quota. The limits of each
/// stage are compiled once per snapshot; a request costs one short scan of the API's stages, the
/// bucket updates and no allocation.
/// </summary>
internal sealed class ThrottlingPolicy(UsageGate gate, string[] stageNames, MethodLimits?[] limits) : IRequestPolicy
{
    private static readonly GatewayError Throttled = GatewayError.Of(GatewayResponseType.THROTTLED);
    private static readonly GatewayError QuotaExceeded = GatewayError.Of(GatewayResponseType.QUOTA_EXCEEDED);

    public ValueTask<StepResult> InvokeAsync(RequestContext context)
    {
        var method = Find(context.Stage?.StageName);
        if (method is null)
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

    private MethodLimits? Find(string? stageName)
    {
        for (var i = 0; i < stageNames.Length; i++)
        {
            if (string.Equals(stageNames[i], stageName, StringComparison.Ordinal))
            {
                return limits[i];
            }
        }
        return null;
    }
}
