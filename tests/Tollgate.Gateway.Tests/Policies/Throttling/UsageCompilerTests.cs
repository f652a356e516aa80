using System.Collections.Immutable;
using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Throttling;
using static Tollgate.Gateway.Tests.Policies.Throttling.UsageConfigs;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Policies.Throttling;

public sealed class UsageCompilerTests
{
    private static string[] Ids(BucketSpec[] chain) => chain.Select(b => b.Id).ToArray();

    [Fact]
    public void Compile_EveryLimitSet_ChainsInAwsOrder()
    {
        var snapshot = Compile(NewConfig(
            planThrottle: Limit(100, 200),
            planMethodThrottle: ImmutableDictionary<string, ThrottleSettings>.Empty.Add("/orders/{orderId}/GET", Limit(5, 10)),
            methodSettings: ImmutableDictionary<string, MethodSetting>.Empty.Add("*/*", new MethodSetting { ThrottlingRateLimit = 50, ThrottlingBurstLimit = 60 })));
        var stage = snapshot.FindStage("orders", "live")!;
        Assert.True(stage.TryGetPlan(ApiKey.DeriveId("tenant-a"), out var plan));
        var method = stage.GetMethod("/orders/{orderId}", "GET");

        Assert.Equal(
            ["plan:gold1:orders/live:/orders/{orderId}/GET", "plan:gold1", "stage:orders/live:/orders/{orderId}/GET", "account"],
            Ids(method.ChainFor(plan)));
        Assert.Equal(["stage:orders/live:/orders/{orderId}/GET", "account"], Ids(method.Anonymous));
        Assert.Equal(["plan:gold1", "stage:orders/live:/orders/GET", "account"], Ids(stage.GetMethod("/orders", "GET").ChainFor(plan)));
        var perMethod = method.ChainFor(plan)[0];
        Assert.True(perMethod.PerKey);
        Assert.Equal((5, 10), (perMethod.RateLimit, perMethod.BurstLimit));
        Assert.False(method.ChainFor(plan)[2].PerKey);
    }

    [Fact]
    public void Compile_MethodSettingOverridesOneField_OtherFieldFromStarStar()
    {
        var snapshot = Compile(NewConfig(methodSettings: ImmutableDictionary<string, MethodSetting>.Empty
            .Add("*/*", new MethodSetting { ThrottlingRateLimit = 50, ThrottlingBurstLimit = 60 })
            .Add("/orders/POST", new MethodSetting { ThrottlingBurstLimit = 3 })));
        var stage = snapshot.FindStage("orders", "live")!;
        var post = stage.GetMethod("/orders", "POST").Anonymous[0];
        var get = stage.GetMethod("/orders", "GET").Anonymous[0];
        Assert.Equal((50, 3), (post.RateLimit, post.BurstLimit));
        Assert.Equal((50, 60), (get.RateLimit, get.BurstLimit));
        Assert.NotEqual(post.Id, get.Id); // */* is a default per method, not one bucket for the stage
    }

    [Fact]
    public void Compile_OnlyRateSet_BurstFallsBackToAccount()
    {
        var snapshot = Compile(NewConfig(
            methodSettings: ImmutableDictionary<string, MethodSetting>.Empty.Add("//GET", new MethodSetting { ThrottlingRateLimit = 7 }),
            account: Limit(1000, 500)));
        var root = snapshot.FindStage("orders", "live")!.GetMethod("/", "GET").Anonymous;
        Assert.Equal(["stage:orders/live://GET", "account"], Ids(root));
        Assert.Equal((7, 500), (root[0].RateLimit, root[0].BurstLimit));
    }

    [Fact]
    public void Compile_NoLimitsAnywhere_ChainIsAccountOnly()
    {
        var snapshot = Compile(NewConfig());
        var stage = snapshot.FindStage("orders", "live")!;
        stage.TryGetPlan(ApiKey.DeriveId("tenant-a"), out var plan);
        Assert.Equal(["account"], Ids(stage.GetMethod("/orders", "GET").ChainFor(plan)));
        Assert.Equal((10_000, 5_000), (snapshot.Account.RateLimit, snapshot.Account.BurstLimit));
    }

    [Fact]
    public void Compile_PatchPathKeyForm_IsAccepted()
    {
        var snapshot = Compile(NewConfig(
            planMethodThrottle: ImmutableDictionary<string, ThrottleSettings>.Empty.Add("~1orders~1{orderId}/get", Limit(1, 1)),
            methodSettings: ImmutableDictionary<string, MethodSetting>.Empty.Add("/~1orders/GET", new MethodSetting { ThrottlingBurstLimit = 9 })));
        var stage = snapshot.FindStage("orders", "live")!;
        stage.TryGetPlan(ApiKey.DeriveId("tenant-a"), out var plan);
        Assert.Equal("plan:gold1:orders/live:/orders/{orderId}/GET", stage.GetMethod("/orders/{orderId}", "GET").ChainFor(plan)[0].Id);
        Assert.Equal(9, stage.GetMethod("/orders", "GET").Anonymous[0].BurstLimit);
    }

    [Fact]
    public void Compile_UndeclaredMethod_GetsStageDefaults()
    {
        var snapshot = Compile(NewConfig(methodSettings: ImmutableDictionary<string, MethodSetting>.Empty
            .Add("*/*", new MethodSetting { ThrottlingRateLimit = 1, ThrottlingBurstLimit = 2 })));
        Assert.Equal(["stage:orders/live:*/*", "account"], Ids(snapshot.FindStage("orders", "live")!.GetMethod("/nowhere", "DELETE").Anonymous));
    }

    [Fact]
    public void Compile_SameConfigTwice_GivesEqualBucketSpecs()
    {
        var config = NewConfig(planThrottle: Limit(10, 20));
        var a = Compile(config).FindStage("orders", "live")!.GetMethod("/orders", "GET");
        var b = Compile(config).FindStage("orders", "live")!.GetMethod("/orders", "GET");
        Assert.Equal(a.Anonymous, b.Anonymous);
        Assert.NotSame(a.Anonymous[0], b.Anonymous[0]);
    }

    [Fact]
    public void Compile_BadReferencesAndValues_ReportsEveryError()
    {
        var config = NewConfig(
            planThrottle: Limit(-1, 5),
            quota: new QuotaSettings { Limit = 10, Offset = 11 },
            planMethodThrottle: ImmutableDictionary<string, ThrottleSettings>.Empty.Add("orders-get", Limit(1, 1)).Add("/missing/GET", Limit(1, 1)));
        config = config with
        {
            ApiKeys = config.ApiKeys.Add(new ApiKey { Name = "copy", Value = TenantA }).Add(new ApiKey { Name = "short", Value = "abc" }),
            UsagePlans = config.UsagePlans.Add(new UsagePlan
            {
                Name = "silver",
                ApiStages = [new UsagePlanApiStage { ApiId = "orders", Stage = "live" }, new UsagePlanApiStage { ApiId = "nope", Stage = "x" }, new UsagePlanApiStage { ApiId = "orders", Stage = "gone" }],
                ApiKeys = ["tenant-a", "ghost"],
            }),
        };
        var diagnostics = new DiagnosticBag();
        UsageCompiler.Compile(config, _ => PlanStart, diagnostics);
        var text = diagnostics.Items.Select(d => d.ToString()).ToArray();

        Assert.Contains("error: Usage plan 'gold', throttle: rateLimit must be a number of at least 0.", text);
        Assert.Contains("error: Usage plan 'gold', quota: offset must be from 0 to the limit.", text);
        Assert.Contains(text, t => t.StartsWith("error: Usage plan 'gold', API stage 'orders/live', throttle 'orders-get': expected '/resource/METHOD'", StringComparison.Ordinal));
        Assert.Contains(text, t => t.StartsWith("warning: Usage plan 'gold', API stage 'orders/live', throttle '/missing/GET': API 'orders' has no method GET on resource '/missing'", StringComparison.Ordinal));
        Assert.Contains("error: API key 'copy': API key 'tenant-a' has the same value.", text);
        Assert.Contains("warning: API key 'short': the value is shorter than 20 characters, the least AWS accepts.", text);
        Assert.Contains("error: Usage plan 'silver': API key 'ghost' is not defined.", text);
        Assert.Contains("error: Usage plan 'silver', API stage 'nope/x': API 'nope' is not defined.", text);
        Assert.Contains("error: Usage plan 'silver', API stage 'orders/gone': API 'orders' has no stage 'gone'.", text);
        Assert.Contains(text, t => t.StartsWith("error: API 'orders', stage 'live': API key '" + ApiKey.DeriveId("tenant-a") + "' is in usage plans 'gold' and 'silver'", StringComparison.Ordinal));
        Assert.DoesNotContain(text, t => t.Contains(TenantA, StringComparison.Ordinal));
    }
}
