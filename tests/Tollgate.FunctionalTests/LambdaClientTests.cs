using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Tests.Support;
using Tollgate.Gateway.Lambda;

namespace Tollgate.FunctionalTests;

public sealed class LambdaClientTests
{
    private const string Arn = "arn:aws:lambda:eu-west-1:123456789012:function:greeter";

    [Fact]
    public async Task Invoke_ReturnsResultFunctionErrorTimeoutAndFailure()
    {
        await using var lambda = await TestLambda.StartAsync();
        var release = new TaskCompletionSource();
        lambda.Function("greeter", e => new LambdaReply("{\"hello\":" + e.GetProperty("name").GetRawText() + "}"));
        lambda.Function("broken", _ => new LambdaReply("{\"errorMessage\":\"boom\",\"errorType\":\"Error\"}", "Unhandled"));
        lambda.Function("slow", async _ =>
        {
            await release.Task;
            return new LambdaReply("{}");
        });
        using var client = new LambdaClient(TimeProvider.System, NullLogger.Instance);
        var endpoint = new Uri(lambda.Url);

        var ok = await client.InvokeAsync(endpoint, Arn, Encoding.UTF8.GetBytes("{\"name\":\"ada\"}"), TimeSpan.FromSeconds(10), null, null, default);
        Assert.Equal(LambdaOutcome.Ok, ok.Outcome);
        Assert.Equal("{\"hello\":\"ada\"}", Encoding.UTF8.GetString(ok.Payload));
        Assert.Equal(Arn, lambda.Invocations.Single().Function);

        var failed = await client.InvokeAsync(endpoint, "broken", "{}"u8.ToArray(), TimeSpan.FromSeconds(10), null, null, default);
        Assert.Equal(LambdaOutcome.FunctionError, failed.Outcome);
        Assert.Equal("Unhandled", failed.FunctionError);

        var missing = await client.InvokeAsync(endpoint, "nothere", "{}"u8.ToArray(), TimeSpan.FromSeconds(10), null, null, default);
        Assert.Equal(LambdaOutcome.Failed, missing.Outcome);
        Assert.Equal(404, missing.StatusCode);

        var slow = await client.InvokeAsync(endpoint, "slow", "{}"u8.ToArray(), TimeSpan.FromMilliseconds(200), null, null, default);
        release.SetResult();
        Assert.Equal(LambdaOutcome.Timeout, slow.Outcome);
    }

    [Fact]
    public async Task Invoke_AnswerOverTenMegabytes_FailsWithoutReadingItAll()
    {
        await using var lambda = await TestLambda.StartAsync();
        var big = "\"" + new string('x', LambdaClient.MaxResponseBytes) + "\"";
        lambda.Function("huge", _ => new LambdaReply(big));
        lambda.Function("fits", _ => new LambdaReply("\"" + new string('x', LambdaClient.MaxResponseBytes - 2) + "\""));
        using var client = new LambdaClient(TimeProvider.System, NullLogger.Instance);
        var endpoint = new Uri(lambda.Url);

        var huge = await client.InvokeAsync(endpoint, "huge", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default);
        Assert.Equal(LambdaOutcome.Failed, huge.Outcome);
        Assert.Equal($"the Lambda answer is larger than {LambdaClient.MaxResponseBytes} bytes", huge.Message);

        var fits = await client.InvokeAsync(endpoint, "fits", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default);
        Assert.Equal(LambdaOutcome.Ok, fits.Outcome);
        Assert.Equal(LambdaClient.MaxResponseBytes, fits.Payload.Length);
    }

    [Theory]
    [InlineData("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations", "arn:aws:lambda:eu-west-1:123456789012:function:auth")]
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:function:auth:live", "arn:aws:lambda:eu-west-1:123456789012:function:auth:live")]
    [InlineData("auth", "auth")]
    public void TryGetFunction_ReadsApiGatewayLambdaUris(string uri, string expected)
    {
        Assert.True(LambdaFunctions.TryGetFunction(uri, out var function));
        Assert.Equal(expected, function);
    }

    [Fact]
    public void Endpoint_FunctionsOwnThenDefaultThenNone()
    {
        var settings = new LambdaSettings
        {
            Endpoint = "http://127.0.0.1:9001",
            Functions = [new LambdaFunction { Name = "arn:aws:lambda:eu-west-1:1:function:special", Endpoint = "http://127.0.0.1:9002" }],
        };
        Assert.Equal(9002, LambdaFunctions.Endpoint(settings, "arn:aws:lambda:eu-west-1:1:function:special", out _)!.Port);
        Assert.Equal(9002, LambdaFunctions.Endpoint(settings, "special", out _)!.Port);
        Assert.Equal(9001, LambdaFunctions.Endpoint(settings, "other", out _)!.Port);
        Assert.Null(LambdaFunctions.Endpoint(new LambdaSettings(), "other", out var problem));
        Assert.Contains("no Lambda endpoint", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_OverMaxConcurrency_SameFunctionQueuesOthersDoNotWait()
    {
        await using var lambda = await TestLambda.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var busyCalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lambda.Function("busy", async _ =>
        {
            busyCalled.TrySetResult();
            await release.Task;
            return new LambdaReply("{}");
        });
        lambda.Function("quick", _ => new LambdaReply("{}"));
        var clock = new FakeTimeProvider();
        using var client = new LambdaClient(clock, NullLogger.Instance)
        {
            Settings = () => new LambdaSettings { MaxConcurrency = 1, MaxQueued = 1 },
        };
        var endpoint = new Uri(lambda.Url);

        var first = client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default);
        await busyCalled.Task;
        // The only place of 'busy' is taken: the next call waits in its queue, the one after is refused.
        var second = client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default);
        var third = await client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default);
        Assert.Equal((LambdaOutcome.Failed, 429, "'busy' has 1 invocation(s) in flight and 1 waiting"), (third.Outcome, third.StatusCode, third.Message));
        Assert.True(third.Throttled);
        Assert.Empty(third.Payload);
        // Another function has places of its own.
        Assert.Equal(LambdaOutcome.Ok, (await client.InvokeAsync(endpoint, "quick", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default)).Outcome);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        release.SetResult();
        Assert.Equal(LambdaOutcome.Ok, (await first).Outcome);
        Assert.Equal(LambdaOutcome.Ok, (await second).Outcome);
        Assert.Equal(2, lambda.CountOf("busy"));
    }

    [Fact]
    public async Task Invoke_QueueTimeoutRunsOut_RefusedWith429BeforeTheCallTimeout()
    {
        await using var lambda = await TestLambda.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var busyCalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lambda.Function("busy", async _ =>
        {
            busyCalled.TrySetResult();
            await release.Task;
            return new LambdaReply("{}");
        });
        var clock = new FakeTimeProvider();
        using var client = new LambdaClient(clock, NullLogger.Instance)
        {
            Settings = () => new LambdaSettings { MaxConcurrency = 1, MaxQueued = 5, QueueTimeout = TimeSpan.FromMilliseconds(250) },
        };
        var endpoint = new Uri(lambda.Url);
        var first = client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default);
        await busyCalled.Task;

        var queued = client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default);
        clock.Advance(TimeSpan.FromMilliseconds(250));

        var refused = await queued;
        Assert.Equal(LambdaOutcome.Failed, refused.Outcome);
        Assert.Equal(429, refused.StatusCode);
        Assert.Equal("'busy' has 1 invocation(s) in flight and none ended within the queue timeout of 250 ms", refused.Message);
        release.SetResult();
        Assert.Equal(LambdaOutcome.Ok, (await first).Outcome);
        Assert.Equal(1, lambda.CountOf("busy"));
    }

    [Fact]
    public async Task Invoke_CallTimeoutShorterThanQueueTimeout_TimesOutWhileQueued()
    {
        await using var lambda = await TestLambda.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var busyCalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lambda.Function("busy", async _ =>
        {
            busyCalled.TrySetResult();
            await release.Task;
            return new LambdaReply("{}");
        });
        var clock = new FakeTimeProvider();
        using var client = new LambdaClient(clock, NullLogger.Instance)
        {
            Settings = () => new LambdaSettings { MaxConcurrency = 1, QueueTimeout = TimeSpan.FromSeconds(5) },
        };
        var endpoint = new Uri(lambda.Url);
        var first = client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default);
        await busyCalled.Task;

        var queued = client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromMilliseconds(200), null, null, default);
        clock.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Equal(LambdaOutcome.Timeout, (await queued).Outcome);
        release.SetResult();
        Assert.Equal(LambdaOutcome.Ok, (await first).Outcome);
    }

    [Fact]
    public async Task Invoke_SettingsChange_NewCallsGetTheNewLimits()
    {
        await using var lambda = await TestLambda.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lambda.Function("busy", async _ =>
        {
            await release.Task;
            return new LambdaReply("{}");
        });
        var settings = new LambdaSettings { MaxConcurrency = 1, MaxQueued = 0 };
        using var client = new LambdaClient(new FakeTimeProvider(), NullLogger.Instance) { Settings = () => settings };
        var endpoint = new Uri(lambda.Url);
        var first = client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default);
        Assert.Equal(429, (await client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default)).StatusCode);

        // As after a reload: the function is listed with a limit of its own. New calls count under
        // the new limit; the call admitted under the old one finishes under it.
        settings = settings with { Functions = [new LambdaFunction { Name = "arn:aws:lambda:eu-west-1:1:function:busy", MaxConcurrency = 2 }] };
        var second = client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default);
        var third = client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default);
        Assert.Equal(429, (await client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, null, default)).StatusCode);
        Assert.Equal((2, 0), client.Concurrency.Statistics("busy"));

        release.SetResult();
        Assert.Equal(LambdaOutcome.Ok, (await first).Outcome);
        Assert.Equal(LambdaOutcome.Ok, (await second).Outcome);
        Assert.Equal(LambdaOutcome.Ok, (await third).Outcome);
    }

    [Fact]
    public async Task Gateway_LimitsComeFromTheConfigInUse()
    {
        var config = Models.Config(Models.Api("a", "prod", Models.Resource("/x", ("GET", Models.Mock("{}"))))) with
        {
            Lambda = new LambdaSettings
            {
                Endpoint = "http://127.0.0.1:1",
                MaxConcurrency = 3,
                MaxQueued = 4,
                QueueTimeout = TimeSpan.FromMilliseconds(500),
                Functions = [new LambdaFunction { Name = "auth", MaxConcurrency = 7, MaxQueued = 0 }],
            },
        };
        await using var gateway = await RunningGateway.StartAsync(config);
        var settings = gateway.Server.Services.Lambda.Settings();
        Assert.Equal(new LambdaLimits(3, 4, TimeSpan.FromMilliseconds(500)), LambdaFunctions.Limits(settings, "orders"));
        Assert.Equal(new LambdaLimits(7, 0, TimeSpan.FromMilliseconds(500)), LambdaFunctions.Limits(settings, "arn:aws:lambda:eu-west-1:1:function:auth:live"));
    }
}
