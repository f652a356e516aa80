using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Tests.Policies.Throttling;
using static Tollgate.Gateway.Tests.Policies.Throttling.UsageConfigs;
using Tollgate.Gateway.Diagnostics;

namespace Tollgate.Gateway.Tests.Config;

/// <summary>A reload recompiles only the deployments whose definition (or compile settings) changed.</summary>
public sealed class IncrementalCompileTests
{
    private const string NewKey = "tenant-n-0123456789abcdef";

    private static (CompiledStage Stage, CompiledMethod Method) Route(PolicyHarness harness, string path, string verb = "GET")
    {
        Assert.NotNull(harness.Snapshot);
        Assert.True(harness.Snapshot!.Router.TryRoute("localhost", path, out var route));
        var method = route.Stage.Api.Routes.Match(route.RelativePath, verb, out _);
        Assert.NotNull(method);
        return (route.Stage, method!);
    }

    /// <summary>The same config built anew (equal by value, no instance shared) with one more key in plan 'gold'.</summary>
    private static GatewayConfig WithNewKey()
    {
        var config = NewConfig();
        var plan = config.UsagePlans[0];
        return config with
        {
            ApiKeys = config.ApiKeys.Add(new ApiKey { Name = "tenant-n", Value = NewKey }),
            UsagePlans = [plan with { ApiKeys = plan.ApiKeys.Add("tenant-n") }],
        };
    }

    [Fact]
    public async Task Reload_OnlyAKeyChanged_SameCompiledMethodsAndTheNewKeyWorks()
    {
        using var harness = new PolicyHarness(NewConfig());
        var (stage, method) = Route(harness, "/live/orders/42");
        Assert.Equal(GatewayResponseType.INVALID_API_KEY, (await harness.RunAsync("GET", "/live/orders/42", NewKey)).Error?.Type);

        harness.Reload(WithNewKey());

        var (stageAfter, methodAfter) = Route(harness, "/live/orders/42");
        Assert.NotSame(stage, stageAfter);
        Assert.Same(stage.Api, stageAfter.Api);
        Assert.Same(method, methodAfter);
        Assert.Same(method.Policies, methodAfter.Policies);
        Assert.Same(method.Integration, methodAfter.Integration);
        Assert.Equal((0, 1), (harness.Snapshot!.Deployments!.Compiled, harness.Snapshot.Deployments.Reused));
        var (error, context) = await harness.RunAsync("GET", "/live/orders/42", NewKey);
        Assert.Null(error);
        Assert.Equal("gold1", context.UsagePlan?.Plan.Id);
    }

    [Fact]
    public async Task Reload_KeyRemoved_RefusedWithoutRecompiling()
    {
        using var harness = new PolicyHarness(NewConfig());
        Assert.Null((await harness.RunAsync("GET", "/live/orders", TenantA)).Error);
        var method = Route(harness, "/live/orders").Method;

        var config = NewConfig();
        harness.Reload(config with { ApiKeys = config.ApiKeys.RemoveAt(0), UsagePlans = [config.UsagePlans[0] with { ApiKeys = ["tenant-b"] }] });

        Assert.Same(method, Route(harness, "/live/orders").Method);
        Assert.Equal(GatewayResponseType.INVALID_API_KEY, (await harness.RunAsync("GET", "/live/orders", TenantA)).Error?.Type);
        Assert.Null((await harness.RunAsync("GET", "/live/orders", TenantB)).Error);
    }

    [Fact]
    public void Reload_DefinitionChanged_Recompiled()
    {
        using var harness = new PolicyHarness(NewConfig());
        var (stage, method) = Route(harness, "/live/orders");

        var config = NewConfig();
        var api = config.Apis[0];
        var orders = api.Resources[1] with { Methods = api.Resources[1].Methods.Add("DELETE", new Method { HttpMethod = "DELETE" }) };
        harness.Reload(config with { Apis = [api with { Resources = api.Resources.SetItem(1, orders) }] });

        var (stageAfter, methodAfter) = Route(harness, "/live/orders");
        Assert.NotSame(stage.Api, stageAfter.Api);
        Assert.NotSame(method, methodAfter);
        Assert.Equal((1, 0), (harness.Snapshot!.Deployments!.Compiled, harness.Snapshot.Deployments.Reused));
        Route(harness, "/live/orders", "DELETE");
    }

    [Fact]
    public void Reload_CompileSettingsChanged_Recompiled()
    {
        using var harness = new PolicyHarness(NewConfig());
        var method = Route(harness, "/live/orders").Method;

        harness.Reload(NewConfig() with { Server = new ServerSettings { MaxTemplateMemoryBytes = 1024 * 1024 } });

        Assert.NotSame(method, Route(harness, "/live/orders").Method);
    }

    [Fact]
    public void Reload_StageSettingChanged_DeploymentReusedStageRebound()
    {
        using var harness = new PolicyHarness(NewConfig());
        var (stage, method) = Route(harness, "/live/orders");
        Assert.Empty(stage.Variables);

        var config = NewConfig();
        var api = config.Apis[0];
        harness.Reload(config with { Apis = [api with { Stages = api.Stages.SetItem(0, api.Stages[0] with { Variables = api.Stages[0].Variables.Add("v", "1") }) }] });

        var (stageAfter, methodAfter) = Route(harness, "/live/orders");
        Assert.Same(method, methodAfter);
        Assert.Equal("1", stageAfter.Variables["v"]);
    }

    [Fact]
    public void Reload_ReusedDeployment_ReportsItsWarningsAgain()
    {
        var config = NewConfig();
        // API key source AUTHORIZER on methods without a Lambda authorizer: a compile-time warning.
        GatewayConfig Warned(GatewayConfig c) => c with { Apis = [c.Apis[0] with { ApiKeySource = ApiKeySource.Authorizer }] };
        using var harness = new PolicyHarness(Warned(config));
        var first = harness.Snapshot!.Diagnostics.Select(d => d.ToString()).ToArray();
        Assert.Contains(first, d => d.Contains("API key source AUTHORIZER", StringComparison.Ordinal));

        var diagnostics = new DiagnosticBag();
        harness.Reload(Warned(WithNewKey()), diagnostics);

        Assert.Equal(1, harness.Snapshot!.Deployments!.Reused);
        Assert.Equal(first, harness.Snapshot.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(first, diagnostics.Items.Select(d => d.ToString()));
    }

    [Fact]
    public void Compile_StagesOfOneApi_ShareOneCompiledDeploymentUnderTheirOwnIds()
    {
        using var harness = new PolicyHarness(NewConfig());
        var (live, liveMethod) = Route(harness, "/live/orders");
        var (test, testMethod) = Route(harness, "/test/orders");

        Assert.Same(live.Api, test.Api);
        Assert.Same(liveMethod, testMethod);
        Assert.Equal(1, harness.Snapshot!.Deployments!.Compiled);
        // File sources: the id is derived from the API and stage, as it always was.
        Assert.Equal(ResourceIds.For("deployment orders/live"), live.DeploymentId);
        Assert.Equal(ResourceIds.For("deployment orders/test"), test.DeploymentId);
        Assert.NotEqual(live.DeploymentId, test.DeploymentId);
    }
}
