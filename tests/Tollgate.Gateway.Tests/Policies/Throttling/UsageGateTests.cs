using System.Collections.Immutable;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.Gateway.Tests.Policies.Throttling.UsageConfigs;

namespace Tollgate.Gateway.Tests.Policies.Throttling;

public sealed class UsageGateTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly InProcessCounterStore _store;
    private readonly UsageGate _gate;

    public UsageGateTests()
    {
        _store = new InProcessCounterStore(_time);
        _gate = new UsageGate(_store);
    }

    public void Dispose() => _store.Dispose();

    private async Task<int> AdmittedAsync(UsageSnapshot snapshot, string path, string method, string? keyValue, int attempts)
    {
        var stage = snapshot.FindStage("orders", "live")!;
        var limits = stage.GetMethod(path, method);
        StagePlan? plan = null;
        string? keyId = null;
        if (keyValue is not null)
        {
            var check = snapshot.Keys.Check(stage, keyValue);
            Assert.True(check.Accepted);
            plan = check.Plan;
            keyId = check.Key!.Id;
        }
        var admitted = 0;
        for (var i = 0; i < attempts; i++)
        {
            if (await _gate.CheckAsync(limits, plan, keyId) == UsageDecision.Allowed)
            {
                admitted++;
            }
        }
        return admitted;
    }

    [Fact]
    public async Task CheckAsync_PlanPerMethodLimit_AppliesFirstAndOnlyToThatMethod()
    {
        var snapshot = Compile(NewConfig(
            planThrottle: Limit(0, 10),
            planMethodThrottle: ImmutableDictionary<string, ThrottleSettings>.Empty.Add("/orders/{orderId}/GET", Limit(0, 3))));
        Assert.Equal(3, await AdmittedAsync(snapshot, "/orders/{orderId}", "GET", TenantA, 20));
        // The refused requests gave their plan tokens back: 7 left of 10 for the key's other methods.
        Assert.Equal(7, await AdmittedAsync(snapshot, "/orders", "GET", TenantA, 20));
    }

    [Fact]
    public async Task CheckAsync_PlanLimit_IsPerKeyAcrossMethods()
    {
        var snapshot = Compile(NewConfig(planThrottle: Limit(0, 4)));
        Assert.Equal(2, await AdmittedAsync(snapshot, "/orders", "GET", TenantA, 2));
        Assert.Equal(2, await AdmittedAsync(snapshot, "/orders", "POST", TenantA, 20));
        Assert.Equal(4, await AdmittedAsync(snapshot, "/orders", "GET", TenantB, 20));
    }

    [Fact]
    public async Task CheckAsync_StageMethodLimit_IsSharedByAllCallersOfTheMethod()
    {
        var snapshot = Compile(NewConfig(
            planThrottle: Limit(0, 100),
            methodSettings: ImmutableDictionary<string, MethodSetting>.Empty.Add("/orders/GET", new MethodSetting { ThrottlingRateLimit = 0, ThrottlingBurstLimit = 5 })));
        Assert.Equal(3, await AdmittedAsync(snapshot, "/orders", "GET", TenantA, 3));
        Assert.Equal(2, await AdmittedAsync(snapshot, "/orders", "GET", TenantB, 20));
        Assert.Equal(0, await AdmittedAsync(snapshot, "/orders", "GET", null, 20));
        Assert.Equal(20, await AdmittedAsync(snapshot, "/orders", "POST", TenantB, 20));
    }

    [Fact]
    public async Task CheckAsync_AccountLimit_CoversEveryMethodAndStage()
    {
        var snapshot = Compile(NewConfig(account: Limit(1, 6)));
        Assert.Equal(4, await AdmittedAsync(snapshot, "/orders", "GET", TenantA, 4));
        Assert.Equal(2, await AdmittedAsync(snapshot, "/", "GET", null, 20));
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(3, await AdmittedAsync(snapshot, "/orders/{orderId}", "GET", TenantB, 20));
    }

    [Fact]
    public async Task CheckAsync_StageRefuses_PlanTokensAreRefunded()
    {
        var snapshot = Compile(NewConfig(
            planThrottle: Limit(0, 5),
            methodSettings: ImmutableDictionary<string, MethodSetting>.Empty.Add("*/*", new MethodSetting { ThrottlingRateLimit = 0, ThrottlingBurstLimit = 2 })));
        Assert.Equal(2, await AdmittedAsync(snapshot, "/orders", "GET", TenantA, 50));
        Assert.Equal(2, await AdmittedAsync(snapshot, "/orders", "POST", TenantA, 50));
        Assert.Equal(1, await AdmittedAsync(snapshot, "/", "GET", TenantA, 50)); // 5 - 2 - 2: the 96 refusals cost nothing
    }

    [Fact]
    public async Task CheckAsync_QuotaUsedUp_QuotaExceededAndThrottleTokensRefunded()
    {
        var snapshot = Compile(NewConfig(planThrottle: Limit(0, 5), quota: new QuotaSettings { Limit = 3, Period = QuotaPeriod.Day }));
        var stage = snapshot.FindStage("orders", "live")!;
        var check = snapshot.Keys.Check(stage, TenantA);
        var limits = stage.GetMethod("/orders", "GET");
        var decisions = new List<UsageDecision>();
        for (var i = 0; i < 5; i++)
        {
            decisions.Add(await _gate.CheckAsync(limits, check.Plan, check.Key!.Id));
        }
        Assert.Equal([UsageDecision.Allowed, UsageDecision.Allowed, UsageDecision.Allowed, UsageDecision.QuotaExceeded, UsageDecision.QuotaExceeded], decisions);
        Assert.Equal(GatewayResponseType.QUOTA_EXCEEDED, UsageGate.ResponseType(decisions[^1]));
        _time.Advance(TimeSpan.FromHours(12)); // 2024-03-01: new day, bucket still holds its 2 tokens
        Assert.Equal(2, await AdmittedAsync(snapshot, "/orders", "GET", TenantA, 10));
    }

    [Fact]
    public async Task CheckAsync_Throttled_DoesNotCountAgainstQuota()
    {
        var snapshot = Compile(NewConfig(planThrottle: Limit(0, 2), quota: new QuotaSettings { Limit = 3, Period = QuotaPeriod.Month }));
        Assert.Equal(2, await AdmittedAsync(snapshot, "/orders", "GET", TenantA, 10));
        var stage = snapshot.FindStage("orders", "test")!;
        var check = snapshot.Keys.Check(stage, TenantA);
        var outcome = await _store.TryConsumeAsync(check.Plan!.Plan, check.Key!.Id);
        Assert.Equal(new QuotaOutcome(true, 0), outcome); // 2 of 3 used on 'live', the quota spans the plan's stages
        Assert.False((await _store.TryConsumeAsync(check.Plan!.Plan, check.Key!.Id)).Allowed);
    }

    [Fact]
    public async Task CheckAsync_NoKeyRequired_BypassesPlanLimits()
    {
        var snapshot = Compile(NewConfig(planThrottle: Limit(0, 1), quota: new QuotaSettings { Limit = 1, Period = QuotaPeriod.Day }));
        Assert.Equal(30, await AdmittedAsync(snapshot, "/orders", "GET", null, 30));
        Assert.Equal(GatewayResponseType.THROTTLED, UsageGate.ResponseType(UsageDecision.Throttled));
        Assert.Null(UsageGate.ResponseType(UsageDecision.Allowed));
    }

    [Fact]
    public void CheckAsync_WarmChainWithQuota_AllocatesNothing()
    {
        var snapshot = Compile(NewConfig(
            planThrottle: Limit(1e9, 1_000_000),
            quota: new QuotaSettings { Limit = 1_000_000, Period = QuotaPeriod.Month },
            planMethodThrottle: ImmutableDictionary<string, ThrottleSettings>.Empty.Add("/orders/GET", Limit(1e9, 1_000_000)),
            methodSettings: ImmutableDictionary<string, MethodSetting>.Empty.Add("*/*", new MethodSetting { ThrottlingRateLimit = 1e9, ThrottlingBurstLimit = 1_000_000 })));
        var stage = snapshot.FindStage("orders", "live")!;
        var check = snapshot.Keys.Check(stage, TenantA);
        var limits = stage.GetMethod("/orders", "GET");
        var keyId = check.Key!.Id;
        for (var i = 0; i < 1_000; i++) // makes the buckets and the counter, and lets one-off runtime work happen
        {
            Assert.Equal(UsageDecision.Allowed, Completed(_gate.CheckAsync(limits, check.Plan, keyId)));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            _ = Completed(_gate.CheckAsync(limits, check.Plan, keyId));
            _ = snapshot.Keys.Check(stage, TenantA);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>The in-process store answers synchronously; reading the result of a completed value task does not block.</summary>
    private static T Completed<T>(ValueTask<T> task)
    {
        Assert.True(task.IsCompletedSuccessfully);
        return task.Result;
    }
}
