using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.Models;
using Tollgate.Gateway.Policies.Throttling;

namespace Tollgate.FunctionalTests.Usage;

/// <summary>
/// API keys, usage plans, throttles and quotas on real Kestrel with a real backend. Rates are so low
/// (0.001 a second) that real time cannot refill a token during a test, so counts are exact.
/// </summary>
public sealed class UsagePlanTests
{
    internal const string KeyA = "tenant-a-key-0123456789abcdef";
    internal const string KeyB = "tenant-b-key-0123456789abcdef";
    internal const string KeyOff = "disabled-key-0123456789abcdef";
    internal const string KeyLoner = "loner-key-000-0123456789abcdef";

    private static ThrottleSettings Limit(double rate, int burst) => new() { RateLimit = rate, BurstLimit = burst };

    /// <summary>API 'orders', stage 'live': GET /orders and GET /orders/{orderId} need a key, GET /open does not; all proxy to the backend.</summary>
    private static GatewayConfig Orders(string backend, Func<UsagePlan, UsagePlan>? gold = null, Func<UsagePlan, UsagePlan>? silver = null,
        ImmutableDictionary<string, MethodSetting>? methodSettings = null)
    {
        var proxy = Proxy(backend + "/{path}", ("integration.request.path.path", "context.resourcePath"),
            ("integration.request.header.x-key-id", "context.identity.apiKeyId"));
        var keyed = new Method { HttpMethod = "GET", Integration = proxy, ApiKeyRequired = true };
        var api = Api("orders", "live") with
        {
            Resources =
            [
                new Resource { Path = "/orders", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", keyed) },
                new Resource { Path = "/orders/{orderId}", Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", keyed) },
                Resource("/open", ("GET", proxy)),
            ],
            Stages = [new Stage { StageName = "live", MethodSettings = methodSettings ?? ImmutableDictionary<string, MethodSetting>.Empty }],
        };
        var stage = new UsagePlanApiStage { ApiId = "orders", Stage = "live" };
        var goldPlan = new UsagePlan { Name = "gold", ApiStages = [stage], ApiKeys = ["tenant-a", "disabled"] };
        var silverPlan = new UsagePlan { Name = "silver", ApiStages = [stage], ApiKeys = ["tenant-b"] };
        return Config(api) with
        {
            ApiKeys =
            [
                new ApiKey { Name = "tenant-a", Value = KeyA, Id = "keyaaaaaaa" },
                new ApiKey { Name = "tenant-b", Value = KeyB, Id = "keybbbbbbb" },
                new ApiKey { Name = "disabled", Value = KeyOff, Enabled = false },
                new ApiKey { Name = "loner", Value = KeyLoner },
            ],
            UsagePlans = [(gold ?? (p => p))(goldPlan), (silver ?? (p => p))(silverPlan)],
        };
    }

    private static async Task<HttpResponseMessage> GetAsync(RunningGateway gateway, string path, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }
        return await gateway.Client.SendAsync(request);
    }

    private static async Task AssertGatewayErrorAsync(HttpResponseMessage response, int status, string errorType, string message)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(errorType, response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("{\"message\":\"" + message + "\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Single(response.Headers.GetValues("x-amzn-RequestId"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("no-such-key-0123456789abcdef")]
    [InlineData(KeyOff)]
    [InlineData(KeyLoner)]
    public async Task ApiKey_MissingUnknownDisabledOrInNoPlan_403ForbiddenWithoutReachingBackend(string? key)
    {
        var hits = 0;
        await using var backend = await TestBackend.StartAsync(http =>
        {
            Interlocked.Increment(ref hits);
            return TestBackend.EchoAsync(http);
        });
        await using var gateway = await RunningGateway.StartAsync(Orders(backend.Url));

        using var response = await GetAsync(gateway, "/live/orders", key);

        await AssertGatewayErrorAsync(response, 403, "ForbiddenException", "Forbidden");
        Assert.Equal(0, hits);
    }

    [Fact]
    public async Task ApiKey_Valid_ReachesBackendWithApiKeyIdInContext()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Orders(backend.Url));

        using var response = await GetAsync(gateway, "/live/orders/7", KeyA);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("keyaaaaaaa", echo.RootElement.GetProperty("headers").GetProperty("x-key-id").GetString());
    }

    [Fact]
    public async Task Throttle_PlanBurstUsed_429TooManyRequests()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Orders(backend.Url, gold: p => p with { Throttle = Limit(0.001, 2) }));

        using var first = await GetAsync(gateway, "/live/orders", KeyA);
        using var second = await GetAsync(gateway, "/live/orders/1", KeyA);
        using var third = await GetAsync(gateway, "/live/orders", KeyA);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await AssertGatewayErrorAsync(third, 429, "TooManyRequestsException", "Too Many Requests");
    }

    [Fact]
    public async Task Quota_Used_429LimitExceeded()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Orders(backend.Url,
            gold: p => p with { Quota = new QuotaSettings { Limit = 2, Period = QuotaPeriod.Month } }));

        using var first = await GetAsync(gateway, "/live/orders", KeyA);
        using var second = await GetAsync(gateway, "/live/orders", KeyA);
        using var third = await GetAsync(gateway, "/live/orders/3", KeyA);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await AssertGatewayErrorAsync(third, 429, "LimitExceededException", "Limit Exceeded");
    }

    [Fact]
    public async Task TwoPlansOnTwoKeys_PerMethodOverride_DoNotDisturbEachOther()
    {
        await using var backend = await TestBackend.StartAsync();
        var perMethod = ImmutableDictionary<string, ThrottleSettings>.Empty.Add("/orders/{orderId}/GET", Limit(0.001, 1));
        await using var gateway = await RunningGateway.StartAsync(Orders(backend.Url,
            gold: p => p with { Throttle = Limit(0.001, 3), ApiStages = [p.ApiStages[0] with { Throttle = perMethod }] },
            silver: p => p with { Throttle = Limit(0.001, 2) }));

        // Gold: the per-method limit (burst 1) on /orders/{orderId}, the plan limit (burst 3) over all.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "/live/orders/1", KeyA)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(gateway, "/live/orders/2", KeyA)).StatusCode);
        // Silver has no per-method limit: its own burst of 2, untouched by gold's traffic.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "/live/orders/3", KeyB)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "/live/orders/4", KeyB)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(gateway, "/live/orders", KeyB)).StatusCode);
        // Gold still has two of its plan tokens for the other method (the refused request cost nothing).
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "/live/orders", KeyA)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "/live/orders", KeyA)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(gateway, "/live/orders", KeyA)).StatusCode);
    }

    [Fact]
    public async Task StageMethodSettings_WithoutKeys_ThrottleEveryCaller()
    {
        await using var backend = await TestBackend.StartAsync();
        var settings = ImmutableDictionary<string, MethodSetting>.Empty
            .Add("*/*", new MethodSetting { ThrottlingRateLimit = 1000, ThrottlingBurstLimit = 1000 })
            .Add("/open/GET", new MethodSetting { ThrottlingRateLimit = 0.001, ThrottlingBurstLimit = 2 });
        await using var gateway = await RunningGateway.StartAsync(Orders(backend.Url, methodSettings: settings));

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "/live/open")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "/live/open", KeyA)).StatusCode);
        using var third = await GetAsync(gateway, "/live/open");
        await AssertGatewayErrorAsync(third, 429, "TooManyRequestsException", "Too Many Requests");
        // Another method has its own bucket.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "/live/orders", KeyA)).StatusCode);
    }

    [Fact]
    public async Task AccountThrottle_LimitsEveryMethod()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Orders(backend.Url) with { AccountThrottle = Limit(0.001, 2) });

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "/live/open")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "/live/orders", KeyA)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(gateway, "/live/orders/1", KeyB)).StatusCode);
    }

    [Fact]
    public async Task ParallelClientsOnOneKey_AdmitExactlyBurstThenExactlyQuota()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Orders(backend.Url,
            gold: p => p with { Throttle = Limit(0.001, 30) },
            silver: p => p with { Quota = new QuotaSettings { Limit = 25, Period = QuotaPeriod.Month } }));

        async Task<int[]> Flood(string key, int count)
        {
            var tasks = new Task<int>[count];
            for (var i = 0; i < count; i++)
            {
                tasks[i] = Task.Run(async () =>
                {
                    using var response = await GetAsync(gateway, "/live/orders", key);
                    return (int)response.StatusCode;
                });
            }
            return await Task.WhenAll(tasks);
        }

        var throttled = await Flood(KeyA, 120);
        Assert.Equal(30, throttled.Count(s => s == 200));
        Assert.Equal(90, throttled.Count(s => s == 429));
        var quota = await Flood(KeyB, 100);
        Assert.Equal(25, quota.Count(s => s == 200));
        Assert.Equal(75, quota.Count(s => s == 429));
    }

    [Fact]
    public async Task Reload_RefusedAfterCompilingPlans_RecordsNoPlanStartDay()
    {
        // Compiling has no side effects: a plan's first day is recorded only once a config that
        // has it is serving, never by a reload that is refused (here by an access-log format that
        // only the compiler checks, after the plans are compiled).
        await using var backend = await TestBackend.StartAsync(TestBackend.EchoAsync);
        using var data = new TempDirectory();
        var current = Config(Api("plain", "prod", Resource("/ok", ("GET", Mock("{}")))));
        await using var gateway = await RunningGateway.StartAsync(() => new ConfigLoad(current, [], []), o => o with { DataDirectory = data.Path });
        // No plans or keys yet: no database either.
        Assert.Null(gateway.Server.Services.Usage.Store);

        var withPlans = Orders(backend.Url);
        var api = withPlans.Apis[0];
        current = withPlans with
        {
            Apis = [api with { Stages = [api.Stages[0] with { AccessLogSettings = new AccessLogSettings { DestinationArn = "stdout", Format = "$context.nope $context.requestId" } }] }],
        };
        Assert.Equal(ReloadOutcome.Failed, gateway.Server.Reloader.ReloadNow());
        // Opened to read the plans' first days while compiling; nothing was written to it.
        var store = gateway.Server.Services.Usage.Store!;
        var gold = withPlans.UsagePlans[0].Id;
        var silver = withPlans.UsagePlans[1].Id;
        Assert.Null(store.FindPlanStart(gold));
        Assert.Null(store.FindPlanStart(silver));

        current = withPlans;
        Assert.Equal(ReloadOutcome.Swapped, gateway.Server.Reloader.ReloadNow());
        Assert.NotNull(store.FindPlanStart(gold));
        Assert.NotNull(store.FindPlanStart(silver));
    }

    [Fact]
    public async Task Logs_NeverContainKeyValues()
    {
        await using var backend = await TestBackend.StartAsync();
        var unknown = "unknown-key-0123456789abcdef";
        await using var gateway = await RunningGateway.StartAsync(
            () => new ConfigLoad(Orders(backend.Url, gold: p => p with { Throttle = Limit(0.001, 1) }), [], []),
            options => options with { MinimumLogLevel = LogLevel.Trace });

        foreach (var key in new[] { KeyA, KeyA, KeyB, KeyOff, KeyLoner, unknown })
        {
            using var response = await GetAsync(gateway, "/live/orders", key);
        }

        var lines = gateway.Logs.Lines.ToArray();
        Assert.Contains(lines, l => l.Contains("unkn...", StringComparison.Ordinal) && l.Contains("Unknown", StringComparison.Ordinal));
        foreach (var secret in new[] { KeyA, KeyB, KeyOff, KeyLoner, unknown })
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }
}
