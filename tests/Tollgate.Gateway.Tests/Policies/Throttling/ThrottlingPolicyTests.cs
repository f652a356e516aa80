using System.Collections.Immutable;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.Gateway.Tests.Policies.Throttling.UsageConfigs;

namespace Tollgate.Gateway.Tests.Policies.Throttling;

public sealed class ThrottlingPolicyTests
{
    private static Task<Model.GatewayResponseType?> Type(PolicyHarness harness, string path, string key) =>
        harness.RunAsync("GET", path, key).ContinueWith(t => t.Result.Error?.Type, TaskScheduler.Default);

    [Fact]
    public async Task Invoke_PlanThrottle_BurstThenThrottledThenRefills()
    {
        using var harness = new PolicyHarness(NewConfig(planThrottle: Limit(1, 2)));

        Assert.Null(await Type(harness, "/live/orders", TenantA));
        Assert.Null(await Type(harness, "/live/orders", TenantA));
        Assert.Equal(GatewayResponseType.THROTTLED, await Type(harness, "/live/orders", TenantA));
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await Type(harness, "/live/orders", TenantA));
        Assert.Equal(GatewayResponseType.THROTTLED, await Type(harness, "/live/orders", TenantA));
    }

    [Fact]
    public async Task Invoke_FractionalRate_OneTokenEveryTwoSeconds()
    {
        using var harness = new PolicyHarness(NewConfig(planThrottle: Limit(0.5, 1)));

        Assert.Null(await Type(harness, "/live/orders", TenantA));
        harness.Time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(GatewayResponseType.THROTTLED, await Type(harness, "/live/orders", TenantA));
        harness.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Null(await Type(harness, "/live/orders", TenantA));
    }

    [Fact]
    public async Task Invoke_TwoKeysOfOnePlan_OwnBuckets()
    {
        using var harness = new PolicyHarness(NewConfig(planThrottle: Limit(0.001, 1)));

        Assert.Null(await Type(harness, "/live/orders", TenantA));
        Assert.Equal(GatewayResponseType.THROTTLED, await Type(harness, "/live/orders", TenantA));
        Assert.Null(await Type(harness, "/live/orders", TenantB));
    }

    [Fact]
    public async Task Invoke_PlanPerMethodThrottle_AppliesToThatMethodOnly()
    {
        var perMethod = ImmutableDictionary<string, ThrottleSettings>.Empty.Add("/orders/{orderId}/GET", Limit(0.001, 1));
        using var harness = new PolicyHarness(NewConfig(planThrottle: Limit(100, 100), planMethodThrottle: perMethod));

        Assert.Null(await Type(harness, "/live/orders/1", TenantA));
        Assert.Equal(GatewayResponseType.THROTTLED, await Type(harness, "/live/orders/2", TenantA));
        Assert.Null(await Type(harness, "/live/orders/3", TenantB));
        Assert.Null(await Type(harness, "/live/orders", TenantA));
        // The plan's other stage has no per-method limit.
        Assert.Null(await Type(harness, "/test/orders/4", TenantA));
    }

    [Fact]
    public async Task Invoke_StageMethodSettings_SharedByAllKeysPerMethod()
    {
        var settings = ImmutableDictionary<string, MethodSetting>.Empty
            .Add("*/*", new MethodSetting { ThrottlingRateLimit = 0.001, ThrottlingBurstLimit = 2 })
            .Add("/orders/POST", new MethodSetting { ThrottlingBurstLimit = 1 });
        using var harness = new PolicyHarness(NewConfig(methodSettings: settings));

        Assert.Null(await Type(harness, "/live/orders", TenantA));
        Assert.Null(await Type(harness, "/live/orders", TenantB));
        Assert.Equal(GatewayResponseType.THROTTLED, await Type(harness, "/live/orders", TenantA));
        // Each method has its own bucket; POST overrides the burst only.
        Assert.Null((await harness.RunAsync("POST", "/live/orders", TenantA)).Error);
        Assert.Equal(GatewayResponseType.THROTTLED, (await harness.RunAsync("POST", "/live/orders", TenantB)).Error?.Type);
        Assert.Null(await Type(harness, "/live/orders/1", TenantA));
        // Another stage has no method settings.
        Assert.Null(await Type(harness, "/test/orders", TenantA));
    }

    [Fact]
    public async Task Invoke_AccountThrottle_AcrossStagesAndMethods()
    {
        using var harness = new PolicyHarness(NewConfig(account: Limit(0.001, 3)));

        Assert.Null(await Type(harness, "/live/orders", TenantA));
        Assert.Null(await Type(harness, "/test/orders/1", TenantB));
        Assert.Null(await Type(harness, "/live/", TenantA));
        Assert.Equal(GatewayResponseType.THROTTLED, await Type(harness, "/test/orders", TenantB));
    }

    [Fact]
    public async Task Invoke_StageLimitWithoutKeys_Throttles()
    {
        var config = NewConfig(methodSettings: ImmutableDictionary<string, MethodSetting>.Empty
            .Add("*/*", new MethodSetting { ThrottlingRateLimit = 0.001, ThrottlingBurstLimit = 1 }));
        var api = config.Apis[0];
        var open = api.Resources[1] with { Methods = api.Resources[1].Methods.SetItem("GET", new Method { HttpMethod = "GET" }) };
        config = config with { Apis = [api with { Resources = api.Resources.SetItem(1, open) }] };
        using var harness = new PolicyHarness(config);

        Assert.Null((await harness.RunAsync("GET", "/live/orders")).Error);
        Assert.Equal(GatewayResponseType.THROTTLED, (await harness.RunAsync("GET", "/live/orders")).Error?.Type);
    }

    [Fact]
    public async Task Invoke_QuotaExceeded_ThenNextDayAllowed()
    {
        var start = new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.Zero);
        using var harness = new PolicyHarness(NewConfig(quota: new QuotaSettings { Limit = 2, Period = QuotaPeriod.Day }), new FakeTimeProvider(start));

        Assert.Null(await Type(harness, "/live/orders", TenantA));
        Assert.Null(await Type(harness, "/test/orders", TenantA));
        var (error, _) = await harness.RunAsync("GET", "/live/orders", TenantA);
        Assert.Equal(GatewayResponseType.QUOTA_EXCEEDED, error?.Type);
        Assert.Equal("Limit Exceeded", error!.Message);
        Assert.Null(await Type(harness, "/live/orders", TenantB));
        harness.Time.Advance(TimeSpan.FromHours(1));
        Assert.Null(await Type(harness, "/live/orders", TenantA));
    }

    [Fact]
    public async Task Invoke_ThrottledRequest_DoesNotCountAgainstQuota()
    {
        using var harness = new PolicyHarness(NewConfig(planThrottle: Limit(1, 1), quota: new QuotaSettings { Limit = 2, Period = QuotaPeriod.Month }));

        Assert.Null(await Type(harness, "/live/orders", TenantA));
        Assert.Equal(GatewayResponseType.THROTTLED, await Type(harness, "/live/orders", TenantA));
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await Type(harness, "/live/orders", TenantA));
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(GatewayResponseType.QUOTA_EXCEEDED, await Type(harness, "/live/orders", TenantA));
        // The refused request gave its throttle token back.
        Assert.Equal(GatewayResponseType.QUOTA_EXCEEDED, await Type(harness, "/live/orders", TenantA));
    }

    [Fact]
    public async Task Invoke_AfterReloadWithSameLimits_KeepsBucketState()
    {
        var config = NewConfig(planThrottle: Limit(0.001, 1));
        using var harness = new PolicyHarness(config);
        Assert.Null(await Type(harness, "/live/orders", TenantA));

        harness.Reload(config with { });

        Assert.Equal(GatewayResponseType.THROTTLED, await Type(harness, "/live/orders", TenantA));
    }

    [Fact]
    public async Task Invoke_AfterReloadWithNewLimits_NewLimitsApply()
    {
        using var harness = new PolicyHarness(NewConfig(planThrottle: Limit(0.001, 1)));
        Assert.Null(await Type(harness, "/live/orders", TenantA));
        Assert.Equal(GatewayResponseType.THROTTLED, await Type(harness, "/live/orders", TenantA));

        harness.Reload(NewConfig(planThrottle: Limit(0.001, 5)));

        Assert.Null(await Type(harness, "/live/orders", TenantA));
    }
}
