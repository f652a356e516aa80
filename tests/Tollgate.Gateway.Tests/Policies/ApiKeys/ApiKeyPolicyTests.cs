using Tollgate.Gateway.Model;
using Tollgate.Gateway.Tests.Policies.Throttling;
using static Tollgate.Gateway.Tests.Policies.Throttling.UsageConfigs;

namespace Tollgate.Gateway.Tests.Policies.ApiKeys;

public sealed class ApiKeyPolicyTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-such-key-0123456789abcdef")]
    [InlineData(Disabled)]
    [InlineData(Loner)]
    public async Task Invoke_KeyMissingUnknownDisabledOrNotInPlan_InvalidApiKey(string? key)
    {
        using var harness = new PolicyHarness(NewConfig());

        var (error, context) = await harness.RunAsync("GET", "/live/orders", key);

        Assert.Equal(GatewayResponseType.INVALID_API_KEY, error?.Type);
        Assert.Equal("Forbidden", error!.Message);
        Assert.Null(context.ApiKeyId);
    }

    [Fact]
    public async Task Invoke_KeyInPlan_SetsIdentityAndPlan()
    {
        using var harness = new PolicyHarness(NewConfig());

        var (error, context) = await harness.RunAsync("GET", "/live/orders/42", TenantB);

        Assert.Null(error);
        Assert.Equal(TenantB, context.ApiKey);
        Assert.Equal("bbbbbbbbbb", context.ApiKeyId);
        Assert.Equal("gold1", context.UsagePlan?.Plan.Id);
        Assert.True(context.TryGetVariable("identity.apiKeyId", out var id));
        Assert.Equal("bbbbbbbbbb", id);
        Assert.True(context.TryGetVariable("identity.apiKey", out var value));
        Assert.Equal(TenantB, value);
    }

    [Fact]
    public async Task Invoke_KeyOfAnotherStagePlan_InvalidApiKey()
    {
        var config = NewConfig();
        // The plan covers only 'test': the key is not good for 'live'.
        config = config with { UsagePlans = [config.UsagePlans[0] with { ApiStages = [config.UsagePlans[0].ApiStages[1]] }] };
        using var harness = new PolicyHarness(config);

        Assert.Equal(GatewayResponseType.INVALID_API_KEY, (await harness.RunAsync("GET", "/live/orders", TenantA)).Error?.Type);
        Assert.Null((await harness.RunAsync("GET", "/test/orders", TenantA)).Error);
    }

    [Fact]
    public async Task Invoke_MethodWithoutApiKeyRequired_IgnoresKeysAndPlans()
    {
        var config = NewConfig(planThrottle: Limit(0.001, 1));
        var api = config.Apis[0];
        var open = api.Resources[1] with { Methods = api.Resources[1].Methods.SetItem("GET", new Method { HttpMethod = "GET" }) };
        config = config with { Apis = [api with { Resources = api.Resources.SetItem(1, open) }] };
        using var harness = new PolicyHarness(config);

        for (var i = 0; i < 3; i++)
        {
            var (error, context) = await harness.RunAsync("GET", "/live/orders", "no-such-key-0123456789abcdef");
            Assert.Null(error);
            Assert.Null(context.ApiKeyId);
        }
    }

    [Fact]
    public async Task Invoke_AuthorizerSourceWithUsageIdentifierKey_Accepted()
    {
        var config = NewConfig();
        config = config with { Apis = [config.Apis[0] with { ApiKeySource = ApiKeySource.Authorizer }] };
        using var harness = new PolicyHarness(config);

        var (error, context) = await harness.RunAsync("GET", "/live/orders", apiKey: null, before: c => c.UsageIdentifierKey = TenantA);

        Assert.Null(error);
        Assert.Equal(TenantA, context.ApiKey);
    }

    [Fact]
    public async Task Invoke_AuthorizerSourceWithoutAuthorizerValue_InvalidApiKeyEvenWithHeader()
    {
        var config = NewConfig();
        config = config with { Apis = [config.Apis[0] with { ApiKeySource = ApiKeySource.Authorizer }] };
        using var harness = new PolicyHarness(config);

        var (error, _) = await harness.RunAsync("GET", "/live/orders", TenantA);

        Assert.Equal(GatewayResponseType.INVALID_API_KEY, error?.Type);
        Assert.Contains(harness.Diagnostics.Items, d => d.Message.Contains("API key source AUTHORIZER", StringComparison.Ordinal));
    }
}
