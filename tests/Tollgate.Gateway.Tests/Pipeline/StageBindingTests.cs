using System.Collections.Immutable;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Tests.Policies.Throttling;
using Tollgate.Gateway.Policies.Throttling;

namespace Tollgate.Gateway.Tests.Pipeline;

/// <summary>Stages point at deployments; each binds its own variables and method settings to the deployment's methods.</summary>
public sealed class StageBindingTests
{
    private static Api Definition(string path) => new()
    {
        Id = "shop",
        Resources = [new Resource { Path = path, Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", new Method { HttpMethod = "GET" }) }],
    };

    private static Deployment Deployed(string id, string path) => new() { Id = id, Description = "deployed " + path, Definition = Definition(path) };

    /// <summary>API 'shop' whose working definition has /draft, with deployments d1 (/one) and d2 (/two).</summary>
    private static GatewayConfig Config(params Stage[] stages) => new()
    {
        Apis = [Definition("/draft") with { Stages = [.. stages], Deployments = [Deployed("d1d1d1", "/one"), Deployed("d2d2d2", "/two")] }],
    };

    private static CompiledMethod? Match(PolicyHarness harness, string path)
    {
        Assert.True(harness.Snapshot!.Router.TryRoute("localhost", path, out var route));
        return route.Stage.Api.Routes.Match(route.RelativePath, "GET", out _);
    }

    private static ImmutableDictionary<string, string> Vars(string value) => ImmutableDictionary<string, string>.Empty.Add("color", value);

    [Fact]
    public async Task Compile_TwoStagesOfOneDeployment_ShareMethodsWithTheirOwnSettings()
    {
        var throttled = ImmutableDictionary<string, MethodSetting>.Empty.Add("*/*",
            new MethodSetting { ThrottlingRateLimit = 0.001, ThrottlingBurstLimit = 1, MetricsEnabled = true });
        using var harness = new PolicyHarness(Config(
            new Stage { StageName = "a", DeploymentId = "d1d1d1", Variables = Vars("red"), MethodSettings = throttled },
            new Stage { StageName = "b", DeploymentId = "d1d1d1", Variables = Vars("blue") }));
        Assert.False(harness.Diagnostics.HasErrors, string.Join("\n", harness.Diagnostics.Items));

        var (okA, a) = await harness.RunAsync("GET", "/a/one");
        var (okB, b) = await harness.RunAsync("GET", "/b/one");

        Assert.Null(okA);
        Assert.Null(okB);
        Assert.Same(a.Stage!.Api, b.Stage!.Api);
        Assert.Same(a.Method, b.Method);
        Assert.Equal("red", a.Stage.Variables["color"]);
        Assert.Equal("blue", b.Stage.Variables["color"]);
        Assert.Equal(("d1d1d1", "d1d1d1"), (a.Stage.DeploymentId, b.Stage.DeploymentId));
        Assert.True(a.TryGetVariable("deploymentId", out var id));
        Assert.Equal("d1d1d1", id);
        Assert.True(a.Stage.For(a.Method!).MetricsEnabled);
        Assert.False(b.Stage.For(b.Method!).MetricsEnabled);
        Assert.NotSame(BoundUsage.Of(a.Stage)!.For(a.Method!), BoundUsage.Of(b.Stage)!.For(b.Method!));
        // Stage a's burst of 1 is spent; stage b has only the account limit.
        Assert.Equal(GatewayResponseType.THROTTLED, (await harness.RunAsync("GET", "/a/one")).Error?.Type);
        Assert.Null((await harness.RunAsync("GET", "/b/one")).Error);
    }

    [Fact]
    public async Task Reload_StagePointedAtAnotherDeployment_ServesIt()
    {
        using var harness = new PolicyHarness(Config(new Stage { StageName = "prod", DeploymentId = "d1d1d1" }));
        Assert.NotNull(Match(harness, "/prod/one"));
        Assert.Null(Match(harness, "/prod/two"));
        // The working definition is not served until deployed.
        Assert.Null(Match(harness, "/prod/draft"));

        harness.Reload(Config(new Stage { StageName = "prod", DeploymentId = "d2d2d2" }));

        Assert.Null(Match(harness, "/prod/one"));
        var (error, context) = await harness.RunAsync("GET", "/prod/two");
        Assert.Null(error);
        Assert.Equal("d2d2d2", context.Stage!.DeploymentId);
    }

    [Fact]
    public void Compile_StageWithoutDeploymentId_ServesTheApiAsWritten()
    {
        using var harness = new PolicyHarness(Config(new Stage { StageName = "dev" }, new Stage { StageName = "prod", DeploymentId = "d1d1d1" }));

        Assert.NotNull(Match(harness, "/dev/draft"));
        Assert.Null(Match(harness, "/dev/one"));
        Assert.NotNull(Match(harness, "/prod/one"));
        Assert.True(harness.Snapshot!.Router.TryRoute("localhost", "/dev/draft", out var dev));
        Assert.Equal(Deployment.ImplicitId("shop", "dev"), dev.Stage.DeploymentId);
    }

    [Fact]
    public void Compile_UnknownDeploymentId_Error()
    {
        using var harness = new PolicyHarness(Config(new Stage { StageName = "prod", DeploymentId = "nonono" }));

        Assert.Null(harness.Snapshot);
        Assert.Contains("error: API 'shop', stage 'prod': deployment 'nonono' is not defined.", harness.Diagnostics.Items.Select(d => d.ToString()));
    }

    [Fact]
    public void Compile_DuplicateDeploymentIds_Error()
    {
        var config = Config(new Stage { StageName = "prod", DeploymentId = "d1d1d1" });
        var api = config.Apis[0];
        using var harness = new PolicyHarness(config with { Apis = [api with { Deployments = api.Deployments.Add(Deployed("d1d1d1", "/three")) }] });

        Assert.Null(harness.Snapshot);
        Assert.Contains("error: API 'shop', deployment 'd1d1d1': the deployment id is used more than once.", harness.Diagnostics.Items.Select(d => d.ToString()));
    }

    [Fact]
    public void For_MethodOfAnotherDeployment_NoSettings()
    {
        using var harness = new PolicyHarness(Config(new Stage { StageName = "a", DeploymentId = "d1d1d1" }, new Stage { StageName = "b", DeploymentId = "d2d2d2" }));
        Assert.True(harness.Snapshot!.Router.TryRoute("localhost", "/a/one", out var a));
        var other = Match(harness, "/b/two")!;

        Assert.Null(a.Stage.For(other).Method);
        Assert.Null(BoundUsage.Of(a.Stage)!.For(other));
    }
}
