using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Integrations.Lambda;
using Tollgate.Gateway.Model;

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

        var ok = await client.InvokeAsync(endpoint, Arn, Encoding.UTF8.GetBytes("{\"name\":\"ada\"}"), TimeSpan.FromSeconds(10), null, default);
        Assert.Equal(LambdaOutcome.Ok, ok.Outcome);
        Assert.Equal("{\"hello\":\"ada\"}", Encoding.UTF8.GetString(ok.Payload));
        Assert.Equal(Arn, lambda.Invocations.Single().Function);

        var failed = await client.InvokeAsync(endpoint, "broken", "{}"u8.ToArray(), TimeSpan.FromSeconds(10), null, default);
        Assert.Equal(LambdaOutcome.FunctionError, failed.Outcome);
        Assert.Equal("Unhandled", failed.FunctionError);

        var missing = await client.InvokeAsync(endpoint, "nothere", "{}"u8.ToArray(), TimeSpan.FromSeconds(10), null, default);
        Assert.Equal(LambdaOutcome.Failed, missing.Outcome);
        Assert.Equal(404, missing.StatusCode);

        var slow = await client.InvokeAsync(endpoint, "slow", "{}"u8.ToArray(), TimeSpan.FromMilliseconds(200), null, default);
        release.SetResult();
        Assert.Equal(LambdaOutcome.Timeout, slow.Outcome);
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
    public async Task Invoke_OverMaxConcurrency_WaitsForAFreePlace()
    {
        await using var lambda = await TestLambda.StartAsync();
        var release = new TaskCompletionSource();
        lambda.Function("busy", async _ =>
        {
            await release.Task;
            return new LambdaReply("{}");
        });
        lambda.Function("quick", _ => new LambdaReply("{}"));
        using var client = new LambdaClient(TimeProvider.System, NullLogger.Instance, maxConcurrency: 1);
        var endpoint = new Uri(lambda.Url);

        var first = client.InvokeAsync(endpoint, "busy", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, default);
        // The only place is taken: the second call waits, and its timeout runs out while waiting.
        var second = await client.InvokeAsync(endpoint, "quick", "{}"u8.ToArray(), TimeSpan.FromMilliseconds(200), null, default);
        Assert.Equal(LambdaOutcome.Timeout, second.Outcome);
        Assert.Equal(0, lambda.CountOf("quick"));

        release.SetResult();
        Assert.Equal(LambdaOutcome.Ok, (await first).Outcome);
        var third = await client.InvokeAsync(endpoint, "quick", "{}"u8.ToArray(), TimeSpan.FromSeconds(30), null, default);
        Assert.Equal(LambdaOutcome.Ok, third.Outcome);
    }

    [Fact]
    public async Task Gateway_SizesTheLambdaClientFromConfig()
    {
        var config = Models.Config(Models.Api("a", "prod", Models.Resource("/x", ("GET", Models.Mock("{}"))))) with
        {
            Lambda = new LambdaSettings { Endpoint = "http://127.0.0.1:1", MaxConcurrency = 3 },
        };
        await using var gateway = await RunningGateway.StartAsync(config);
        Assert.Equal(3, gateway.Server.Services.Lambda.MaxConcurrency);
    }
}
