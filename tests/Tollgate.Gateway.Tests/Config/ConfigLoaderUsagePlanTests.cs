using Tollgate.Gateway.Config;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Tests.Config;

public sealed class ConfigLoaderUsagePlanTests : IDisposable
{
    private const string Definition = """
        {
          "swagger": "2.0",
          "info": {"title": "Orders", "version": "1"},
          "paths": {
            "/orders/{orderId}": {
              "get": {
                "security": [{"api_key": []}],
                "x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{\"statusCode\": 200}"}, "responses": {"default": {"statusCode": "200"}}}
              }
            }
          },
          "securityDefinitions": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}}
        }
        """;

    private const string Secret = "secret-value-0123456789abcdef";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-usage-loader-" + Guid.NewGuid().ToString("N"));

    public ConfigLoaderUsagePlanTests()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "orders.json"), Definition);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private LoadResult Load(string usageYaml, string stageYaml = "")
    {
        var path = Path.Combine(_directory, "gateway.yaml");
        File.WriteAllText(path, $"""
            apis:
              - name: orders
                definition: orders.json
                stages:
                  - stageName: live
            {stageYaml}
            {usageYaml}
            """);
        return ConfigLoader.Load(path, LoadOptions.Default);
    }

    private static string Problems(LoadResult result) => string.Join("\n", result.Diagnostics);

    [Fact]
    public void Load_IssueExample_BuildsKeysPlansAndMethodSettings()
    {
        File.WriteAllText(Path.Combine(_directory, "c.key"), "  file-secret-0123456789abcdef\n");
        Environment.SetEnvironmentVariable("TOLLGATE_TEST_KEY_B", "env-secret-0123456789abcdef");
        var result = Load("""
            accountThrottle: { rateLimit: 50.5, burstLimit: 60 }
            apiKeys:
              - { name: tenant-a, value: "inline-secret-0123456789abcdef", enabled: true, description: Tenant A }
              - { name: tenant-b, valueFrom: { env: TOLLGATE_TEST_KEY_B }, enabled: false }
              - { name: tenant-c, valueFrom: { file: c.key }, id: k3c9x0abcd }
            usagePlans:
              - name: gold
                id: gold-plan
                description: Paying tenants
                apiStages:
                  - { apiId: orders, stage: live, throttle: { "/orders/{orderId}/GET": { rateLimit: 5, burstLimit: 10 } } }
                throttle: { rateLimit: 100, burstLimit: 200 }
                quota: { limit: 100000, period: MONTH, offset: 10 }
                apiKeys: [ tenant-a, tenant-b, tenant-c ]
            """, """
                    methodSettings:
                      "*/*": { throttlingRateLimit: 0.5, throttlingBurstLimit: 3 }
                      "/orders/{orderId}/GET": { throttlingBurstLimit: 1 }
            """);

        Assert.False(result.HasErrors, Problems(result));
        var config = result.Config!;
        Assert.Equal(new ThrottleSettings { RateLimit = 50.5, BurstLimit = 60 }, config.AccountThrottle);
        Assert.Equal(["tenant-a", "tenant-b", "tenant-c"], config.ApiKeys.Select(k => k.Name));
        Assert.Equal("inline-secret-0123456789abcdef", config.ApiKeys[0].Value);
        Assert.Equal("Tenant A", config.ApiKeys[0].Description);
        Assert.Equal("env-secret-0123456789abcdef", config.ApiKeys[1].Value);
        Assert.False(config.ApiKeys[1].Enabled);
        Assert.Equal("file-secret-0123456789abcdef", config.ApiKeys[2].Value);
        Assert.Equal("k3c9x0abcd", config.ApiKeys[2].Id);
        Assert.Contains(Path.Combine(_directory, "c.key"), result.SourceFiles);

        var plan = Assert.Single(config.UsagePlans);
        Assert.Equal("gold-plan", plan.Id);
        Assert.Equal(new ThrottleSettings { RateLimit = 100, BurstLimit = 200 }, plan.Throttle);
        Assert.Equal(new QuotaSettings { Limit = 100000, Period = QuotaPeriod.Month, Offset = 10 }, plan.Quota);
        var stage = Assert.Single(plan.ApiStages);
        Assert.Equal(("orders", "live"), (stage.ApiId, stage.Stage));
        Assert.Equal(new ThrottleSettings { RateLimit = 5, BurstLimit = 10 }, stage.Throttle["/orders/{orderId}/GET"]);

        var settings = config.Apis[0].Stages[0].MethodSettings;
        Assert.Equal(new MethodSetting { ThrottlingRateLimit = 0.5, ThrottlingBurstLimit = 3 }, settings["*/*"]);
        Assert.Equal(new MethodSetting { ThrottlingBurstLimit = 1 }, settings["/orders/{orderId}/GET"]);
    }

    [Fact]
    public void Load_NoUsageSections_DefaultAccountThrottle()
    {
        var result = Load("");

        Assert.False(result.HasErrors, Problems(result));
        Assert.Equal(ThrottleSettings.AccountDefault, result.Config!.AccountThrottle);
        Assert.Empty(result.Config.ApiKeys);
    }

    [Fact]
    public void Load_MalformedSections_ReportsEveryProblemWithItsObject()
    {
        var result = Load($$"""
            accountThrottle: { rateLimit: 10 }
            apiKeys:
              - { name: both, value: "{{Secret}}", valueFrom: { env: X } }
              - { name: neither }
              - { name: typo, value: "{{Secret}}x", enabeld: false }
              - { value: "{{Secret}}y" }
              - { name: unset, valueFrom: { env: TOLLGATE_TEST_NOT_SET_EVER } }
            usagePlans:
              - name: gold
                apiStages: [ { apiId: orders } ]
                throttle: { rateLimit: -1, burstLimit: 2.5 }
                quota: { limit: 10, period: YEAR, offset: 11 }
                apiKeys: [ 3 ]
                colour: gold
            """, """
                    methodSettings:
                      "*/*": { throttlingRateLimit: fast, cachingEnabled: true }
            """);

        Assert.True(result.HasErrors);
        var text = Problems(result);
        Assert.Contains("API key 'both': give exactly one of 'value' and 'valueFrom'.", text, StringComparison.Ordinal);
        Assert.Contains("API key 'neither': give exactly one of 'value' and 'valueFrom'.", text, StringComparison.Ordinal);
        Assert.Contains("apiKeys[2]: unknown key 'enabeld'", text, StringComparison.Ordinal);
        Assert.Contains("apiKeys[3]: 'name' is missing.", text, StringComparison.Ordinal);
        Assert.Contains("API key 'unset', valueFrom: environment variable 'TOLLGATE_TEST_NOT_SET_EVER' is not set or empty.", text, StringComparison.Ordinal);
        Assert.Contains("accountThrottle: give both 'rateLimit'", text, StringComparison.Ordinal);
        Assert.Contains("usagePlans[0].apiStages[0]: 'stage' is missing.", text, StringComparison.Ordinal);
        Assert.Contains("usagePlans[0].throttle: 'rateLimit' -1 must be at least 0.", text, StringComparison.Ordinal);
        Assert.Contains("usagePlans[0].throttle: 'burstLimit' must be an integer, not a number", text, StringComparison.Ordinal);
        Assert.Contains("usagePlans[0].quota: 'period' 'YEAR' must be DAY, WEEK or MONTH.", text, StringComparison.Ordinal);
        Assert.Contains("usagePlans[0].quota: 'offset' 11 must be from 0 to the limit.", text, StringComparison.Ordinal);
        Assert.Contains("'usagePlans[0].apiKeys[0]' must be the name of an API key", text, StringComparison.Ordinal);
        Assert.Contains("usagePlans[0]: unknown key 'colour'", text, StringComparison.Ordinal);
        Assert.Contains("methodSettings[\"*/*\"]: 'throttlingRateLimit' must be a number", text, StringComparison.Ordinal);
        Assert.Contains("methodSettings[\"*/*\"]: unknown key 'cachingEnabled'", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
    }
}
