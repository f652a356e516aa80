using Tollgate.Gateway.Model;
using Tollgate.Gateway.Storage;

namespace Tollgate.Gateway.Policies.Throttling;

/// <summary>What the throttle and quota step decided.</summary>
internal enum UsageDecision
{
    /// <summary>Within every limit.</summary>
    Allowed,

    /// <summary>Over a throttle: 429 <c>THROTTLED</c>.</summary>
    Throttled,

    /// <summary>Over the plan's quota: 429 <c>QUOTA_EXCEEDED</c>.</summary>
    QuotaExceeded,
}

/// <summary>The request-time entry point of throttling and quotas, over an <see cref="ICounterStore"/>.</summary>
/// <remarks>
/// A refused request costs nothing anywhere: when a later bucket of the chain refuses, the tokens
/// taken from the earlier ones are given back, and when the quota refuses, the chain's tokens are
/// given back. Otherwise traffic refused by one limit would drain another (a tenant's own bucket
/// would pay for requests the shared stage or account limit refused, and its retries would be
/// charged twice), and each bucket would no longer admit exactly burst + rate x time of the
/// requests that actually went through. Throttled requests do not count against the quota.
/// </remarks>
internal sealed class UsageGate(ICounterStore store)
{
    /// <summary>
    /// Takes the method's throttle chain and then, under a plan, counts the request against the
    /// plan's quota. Call it after authentication (API key and authorizer): only authenticated
    /// requests count. Allocation-free when the store answers synchronously (the in-process one does).
    /// </summary>
    /// <param name="method">The method's compiled limits (<see cref="StageUsage.GetMethod"/>).</param>
    /// <param name="plan">The key's plan on this stage (<see cref="ApiKeys.ApiKeyCheck.Plan"/>); null when the method requires no key, which bypasses plan limits as in AWS.</param>
    /// <param name="keyId">The API key id; null without a plan.</param>
    public ValueTask<UsageDecision> CheckAsync(MethodLimits method, StagePlan? plan, string? keyId)
    {
        if (plan is not null)
        {
            ArgumentNullException.ThrowIfNull(keyId);
        }
        var chain = method.ChainFor(plan);
        var take = store.TryTakeAsync(chain, keyId);
        if (!take.IsCompletedSuccessfully)
        {
            return Slow(take, chain, plan, keyId);
        }
        if (take.Result >= 0)
        {
            return ValueTask.FromResult(UsageDecision.Throttled);
        }
        if (plan is null)
        {
            return ValueTask.FromResult(UsageDecision.Allowed);
        }
        var quota = store.TryConsumeAsync(plan.Plan, keyId!);
        if (!quota.IsCompletedSuccessfully)
        {
            return AfterQuota(quota, chain, keyId);
        }
        if (quota.Result.Allowed)
        {
            return ValueTask.FromResult(UsageDecision.Allowed);
        }
        var refund = store.RefundAsync(chain, keyId);
        return refund.IsCompletedSuccessfully
            ? ValueTask.FromResult(UsageDecision.QuotaExceeded)
            : AfterRefund(refund);
    }

    /// <summary>The gateway response of a refusal; null when allowed.</summary>
    public static GatewayResponseType? ResponseType(UsageDecision decision) => decision switch
    {
        UsageDecision.Throttled => GatewayResponseType.THROTTLED,
        UsageDecision.QuotaExceeded => GatewayResponseType.QUOTA_EXCEEDED,
        _ => null,
    };

    private async ValueTask<UsageDecision> Slow(ValueTask<int> take, BucketSpec[] chain, StagePlan? plan, string? keyId)
    {
        if (await take >= 0)
        {
            return UsageDecision.Throttled;
        }
        if (plan is null)
        {
            return UsageDecision.Allowed;
        }
        return await AfterQuota(store.TryConsumeAsync(plan.Plan, keyId!), chain, keyId);
    }

    private async ValueTask<UsageDecision> AfterQuota(ValueTask<QuotaOutcome> quota, BucketSpec[] chain, string? keyId)
    {
        if ((await quota).Allowed)
        {
            return UsageDecision.Allowed;
        }
        await store.RefundAsync(chain, keyId);
        return UsageDecision.QuotaExceeded;
    }

    private static async ValueTask<UsageDecision> AfterRefund(ValueTask refund)
    {
        await refund;
        return UsageDecision.QuotaExceeded;
    }
}
