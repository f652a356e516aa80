using System.Collections.Immutable;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Policies.Throttling;

/// <summary>A small config: API 'orders' with stage 'live', two keys in plan 'gold', one disabled key, one key in no plan.</summary>
internal static class UsageConfigs
{
    public const string TenantA = "tenant-a-0123456789abcdef";
    public const string TenantB = "tenant-b-0123456789abcdef";
    public const string Disabled = "disabled-0123456789abcdef";
    public const string Loner = "loner-000-0123456789abcdef";

    public static readonly DateOnly PlanStart = new(2024, 1, 1);

    private static Method Get => new() { HttpMethod = "GET", ApiKeyRequired = true };

    public static GatewayConfig NewConfig(
        ThrottleSettings? planThrottle = null,
        QuotaSettings? quota = null,
        ImmutableDictionary<string, ThrottleSettings>? planMethodThrottle = null,
        ImmutableDictionary<string, MethodSetting>? methodSettings = null,
        ThrottleSettings? account = null) => new()
    {
        Apis =
        [
            new Api
            {
                Id = "orders",
                Resources =
                [
                    new Resource { Path = "/", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", Get) },
                    new Resource { Path = "/orders", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", Get).Add("POST", Get with { HttpMethod = "POST" }) },
                    new Resource { Path = "/orders/{orderId}", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", Get) },
                ],
                Stages =
                [
                    new Stage { StageName = "live", MethodSettings = methodSettings ?? ImmutableDictionary<string, MethodSetting>.Empty },
                    new Stage { StageName = "test" },
                ],
            },
        ],
        ApiKeys =
        [
            new ApiKey { Name = "tenant-a", Value = TenantA },
            new ApiKey { Name = "tenant-b", Value = TenantB, Id = "bbbbbbbbbb" },
            new ApiKey { Name = "disabled", Value = Disabled, Enabled = false },
            new ApiKey { Name = "loner", Value = Loner },
        ],
        UsagePlans =
        [
            new UsagePlan
            {
                Name = "gold",
                Id = "gold1",
                ApiStages =
                [
                    new UsagePlanApiStage
                    {
                        ApiId = "orders",
                        Stage = "live",
                        Throttle = planMethodThrottle ?? ImmutableDictionary<string, ThrottleSettings>.Empty,
                    },
                    new UsagePlanApiStage { ApiId = "orders", Stage = "test" },
                ],
                Throttle = planThrottle,
                Quota = quota,
                ApiKeys = ["tenant-a", "tenant-b", "disabled"],
            },
        ],
        AccountThrottle = account ?? ThrottleSettings.AccountDefault,
    };

    public static UsageSnapshot Compile(GatewayConfig config)
    {
        var diagnostics = new DiagnosticBag();
        var snapshot = UsageCompiler.Compile(config, _ => PlanStart, diagnostics);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
        return snapshot;
    }

    public static ThrottleSettings Limit(double rate, int burst) => new() { RateLimit = rate, BurstLimit = burst };
}
