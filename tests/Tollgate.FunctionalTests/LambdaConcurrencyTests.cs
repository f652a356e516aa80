using System.Collections.Immutable;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.FunctionalTests.Authorizers.AuthorizerSetup;
using static Tollgate.FunctionalTests.Support.IntegrationModels;

namespace Tollgate.FunctionalTests;

/// <summary>
/// Concurrency limits per Lambda function through the real gateway: a flooded authorizer holds up
/// only its own callers; over the limit and the queue, a call is refused at once with API
/// Gateway's answer to a throttled function. The clock is fake, so no queue wait or call timeout
/// runs out unless a test moves it; gates decide when functions answer.
/// </summary>
public sealed class LambdaConcurrencyTests
{
    private const string AllOrders = "arn:aws:execute-api:eu-west-1:123456789012:orders/live/GET/orders/*";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>The authorizer test API (GET /orders/{id} behind a TOKEN authorizer) plus GET /lookup, an open Lambda proxy.</summary>
    private static GatewayConfig Config(string backendUrl, string lambdaUrl, Func<LambdaSettings, LambdaSettings> limits)
    {
        var config = Authorizers.AuthorizerSetup.Config(backendUrl, Token(), lambdaUrl: lambdaUrl);
        var lookup = new Resource
        {
            Path = "/lookup",
            Methods = ImmutableDictionary<string, Method>.Empty.Add("GET", new Method { HttpMethod = "GET", Integration = LambdaProxy("lookup") }),
        };
        var api = config.Apis[0];
        return config with { Apis = [api with { Resources = api.Resources.Add(lookup) }], Lambda = limits(config.Lambda) };
    }

    private static Task<HttpResponseMessage> GetOrder(RunningGateway gateway)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/live/orders/42");
        // A fresh token every time: the authorizer's result cache never answers for the function.
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Guid.NewGuid().ToString("N"));
        return gateway.Client.SendAsync(request);
    }

    [Fact]
    public async Task FloodedAuthorizer_RefusesOverTheLimitAtOnce_AndAnotherFunctionsIntegrationStillAnswers()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bothInFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        lambda.Function("tenant-auth", async _ =>
        {
            if (Interlocked.Increment(ref calls) == 2)
            {
                bothInFlight.TrySetResult();
            }
            await release.Task;
            return Policy("Allow", AllOrders);
        });
        lambda.Function("lookup", _ => new LambdaReply("{\"statusCode\": 200, \"body\": \"found\"}"));
        var config = Config(backend.Url, lambda.Url, l => l with { MaxConcurrency = 2, MaxQueued = 2 });
        await using var gateway = await RunningGateway.StartAsync(config, new FakeTimeProvider());

        var inFlight = new[] { GetOrder(gateway), GetOrder(gateway) };
        await bothInFlight.Task.WaitAsync(Guard);
        var pending = Enumerable.Range(0, 8).Select(_ => GetOrder(gateway)).ToList();

        // Two of the eight wait in the authorizer's queue; six are refused at once, without a call.
        var refused = new List<HttpResponseMessage>();
        while (refused.Count < 6)
        {
            var done = await Task.WhenAny(pending).WaitAsync(Guard);
            pending.Remove(done);
            refused.Add(await done);
        }
        foreach (var response in refused)
        {
            await AssertErrorAsync(response, 500, "{\"message\":null}", "AuthorizerConfigurationException");
        }

        // The integration of another function answers while every authorizer call is still held.
        using var lookup = await gateway.Client.GetAsync("/live/lookup").WaitAsync(Guard);
        Assert.Equal(200, (int)lookup.StatusCode);
        Assert.Equal("found", await lookup.Content.ReadAsStringAsync());
        Assert.All(inFlight.Concat(pending), t => Assert.False(t.IsCompleted));
        Assert.Equal(2, pending.Count);
        Assert.Equal(2, lambda.CountOf(FunctionArn));

        // Released, the two in flight and the two queued all get through.
        release.SetResult();
        foreach (var call in inFlight.Concat(pending))
        {
            using var response = await call.WaitAsync(Guard);
            Assert.Equal("acme", Header(await EchoAsync(response), "X-Tenant"));
        }
        Assert.Equal(4, lambda.CountOf(FunctionArn));
        // Six refusals, one log line (the clock stands still): a flood of them is not a flood of lines.
        Assert.Single(gateway.Logs.Lines, l => l.Contains("throttled since the last report", StringComparison.Ordinal));
        // Refusals that race count into the same line: 1 to 6 of them, not always exactly 1.
        Assert.Matches(
            @"[1-6] Lambda call\(s\) throttled since the last report \(429, answered 500\); the latest: '" + System.Text.RegularExpressions.Regex.Escape(FunctionArn)
                + "': '" + System.Text.RegularExpressions.Regex.Escape(FunctionArn) + @"' has 2 invocation\(s\) in flight and 2 waiting\.$",
            gateway.Logs.Lines.Single(l => l.Contains("throttled since the last report", StringComparison.Ordinal)));
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LambdaProxy_OverItsOwnLimitAndQueue_500InternalServerErrorAtOnce_QueuedCallSucceeds()
    {
        await using var backend = await TestBackend.StartAsync();
        await using var lambda = await TestLambda.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lambda.Function("lookup", async _ =>
        {
            called.TrySetResult();
            await release.Task;
            return new LambdaReply("{\"statusCode\": 200, \"body\": \"found\"}");
        });
        // The shared limits are wide; the function's own entry narrows it to one in flight, one queued.
        var config = Config(backend.Url, lambda.Url, l => l with
        {
            Functions = [new LambdaFunction { Name = "lookup", MaxConcurrency = 1, MaxQueued = 1 }],
        });
        await using var gateway = await RunningGateway.StartAsync(config, new FakeTimeProvider());

        var first = gateway.Client.GetAsync("/live/lookup");
        await called.Task.WaitAsync(Guard);
        var pending = new List<Task<HttpResponseMessage>> { gateway.Client.GetAsync("/live/lookup"), gateway.Client.GetAsync("/live/lookup") };

        var done = await Task.WhenAny(pending).WaitAsync(Guard);
        pending.Remove(done);
        using var refused = await done;
        await AssertErrorAsync(refused, 500, "{\"message\":\"Internal server error\"}", "InternalServerErrorException");
        Assert.False(first.IsCompleted);
        Assert.False(pending[0].IsCompleted);

        release.SetResult();
        foreach (var call in new[] { first, pending[0] })
        {
            using var response = await call.WaitAsync(Guard);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("found", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(2, lambda.CountOf("arn:aws:lambda:eu-west-1:123456789012:function:lookup"));
    }
}
