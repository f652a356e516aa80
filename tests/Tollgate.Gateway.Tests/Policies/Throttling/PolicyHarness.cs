using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Tests.Support;
using Tollgate.Gateway.Diagnostics;
using Tollgate.Gateway.Lambda;

namespace Tollgate.Gateway.Tests.Policies.Throttling;

/// <summary>Compiles a config the way the server does and runs a method's policy chain on a request, on a fake clock.</summary>
internal sealed class PolicyHarness : IDisposable
{
    private readonly HttpForwarder _forwarder;
    private readonly LambdaClient _lambda;

    public PolicyHarness(GatewayConfig config, FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider();
        _forwarder = new HttpForwarder(Time, NullLogger<HttpForwarder>.Instance);
        _lambda = new LambdaClient(Time, NullLogger.Instance);
        Usage = new UsageServices(Time);
        Services = new GatewayServices(Time, NullLoggerFactory.Instance, _forwarder, _lambda).WithUsage(Usage);
        Diagnostics = new DiagnosticBag();
        Snapshot = SnapshotCompiler.Compile(config, Services, Diagnostics);
    }

    public FakeTimeProvider Time { get; }

    public UsageServices Usage { get; }

    public GatewayServices Services { get; }

    public DiagnosticBag Diagnostics { get; }

    public GatewaySnapshot? Snapshot { get; private set; }

    /// <summary>
    /// Compiles another config over the same long-lived services, as a reload does: given the
    /// snapshot in use, so unchanged deployments are reused.
    /// </summary>
    public void Reload(GatewayConfig config, DiagnosticBag? diagnostics = null) =>
        Snapshot = SnapshotCompiler.Compile(config, Services, diagnostics ?? new DiagnosticBag(), previous: Snapshot);

    /// <summary>Runs the policies of the method that <paramref name="method"/> <paramref name="path"/> routes to (path includes the stage).</summary>
    public async Task<(GatewayError? Error, RequestContext Context)> RunAsync(string method, string path, string? apiKey = null,
        Action<RequestContext>? before = null)
    {
        Assert.NotNull(Snapshot);
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Host = new HostString("localhost");
        http.Request.Path = path;
        if (apiKey is not null)
        {
            http.Request.Headers["x-api-key"] = apiKey;
        }
        var context = new RequestContext(http, Guid.NewGuid().ToString(), Time.GetUtcNow(), Time.GetTimestamp());
        Assert.True(Snapshot!.Router.TryRoute("localhost", path, out var route));
        context.Stage = route.Stage;
        context.Api = route.Stage.Api;
        context.Method = route.Stage.Api.Routes.Match(route.RelativePath, method, out var values);
        Assert.NotNull(context.Method);
        context.PathParameterRawValues = values;
        before?.Invoke(context);
        foreach (var policy in context.Method!.Policies)
        {
            var result = await policy.InvokeAsync(context);
            Assert.NotEqual(StepOutcome.Handled, result.Outcome);
            if (result.Outcome == StepOutcome.Fail)
            {
                return (result.Error, context);
            }
        }
        return (null, context);
    }

    /// <summary>Runs a request <paramref name="count"/> times and counts the outcomes by response type (null: allowed).</summary>
    public async Task<Dictionary<string, int>> CountAsync(int count, string method, string path, string? apiKey = null)
    {
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            var (error, _) = await RunAsync(method, path, apiKey);
            var name = error?.Type.ToString() ?? "OK";
            outcomes[name] = outcomes.GetValueOrDefault(name) + 1;
        }
        return outcomes;
    }

    public void Dispose()
    {
        Usage.Dispose();
        _forwarder.Dispose();
        _lambda.Dispose();
    }
}
