using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using static Tollgate.FunctionalTests.Support.Models;

namespace Tollgate.FunctionalTests.Pipeline;

/// <summary>
/// The phase tables and the completion point, on a real gateway: a step that answers itself
/// (Handled), a step of the response phase, and the outcome recorded for every way a request ends.
/// </summary>
public sealed class PhaseTableTests
{
    [Fact]
    public async Task HandledStep_AnswersItself_IntegrationAndPoliciesDoNotRun()
    {
        var backendCalls = 0;
        await using var backend = await TestBackend.StartAsync(http =>
        {
            Interlocked.Increment(ref backendCalls);
            return http.Response.WriteAsync("from backend");
        });
        await using var gateway = await RunningGateway.StartAsync(Config(Api("shop", "prod",
            Resource("/items", ("GET", Proxy(backend.Url + "/items"))))));
        var completed = Capture(gateway);
        // A cache-like step after routing: it knows the method and answers for it.
        Insert(gateway, RequestStage.BodySize, new AnswerStep("/items"));

        using var response = await gateway.Client.GetAsync("/prod/items");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from step", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, backendCalls);
        var outcome = await completed.Next();
        Assert.Equal(200, outcome.Status);
        Assert.Equal(9, outcome.ResponseLength);
        Assert.Equal("/items", outcome.ResourcePath);
        Assert.Null(outcome.ErrorType);

        // Requests the step does not take go on to the integration as before.
        Insert(gateway, RequestStage.BodySize, new AnswerStep("/elsewhere"));
        using var passed = await gateway.Client.GetAsync("/prod/items");
        Assert.Equal("from backend", await passed.Content.ReadAsStringAsync());
        Assert.Equal(1, backendCalls);
    }

    [Fact]
    public async Task ResponseStep_SeesIntegrationResponsesAndGatewayResponses()
    {
        await using var gateway = await RunningGateway.StartAsync(Config(Api("shop", "prod",
            Resource("/items", ("GET", Mock("{\"ok\":true}", status: 201))))));
        Insert(gateway, RequestStage.Match, new RegisterStep());

        using var ok = await gateway.Client.GetAsync("/prod/items");
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal("201", ok.Headers.GetValues("x-seen-status").Single());

        // An unknown route fails after the step registered: the gateway response passes the response phase too.
        using var refused = await gateway.Client.GetAsync("/prod/nothing");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("403", refused.Headers.GetValues("x-seen-status").Single());

        // A request refused before routing registered nothing.
        using var noStage = await gateway.Client.GetAsync("/other/items");
        Assert.Equal(HttpStatusCode.Forbidden, noStage.StatusCode);
        Assert.False(noStage.Headers.Contains("x-seen-status"));
    }

    [Fact]
    public async Task Completion_Success_RecordsStatusLengthsAndLatencies()
    {
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = "echo:" + await reader.ReadToEndAsync();
            http.Response.ContentLength = body.Length;
            await http.Response.WriteAsync(body);
        });
        await using var gateway = await RunningGateway.StartAsync(Config(Api("shop", "prod",
            Resource("/items", ("POST", Proxy(backend.Url + "/items"))))));
        var completed = Capture(gateway);

        using var response = await gateway.Client.PostAsync("/prod/items", new StringContent("twelve bytes"));

        Assert.Equal("echo:twelve bytes", await response.Content.ReadAsStringAsync());
        var outcome = await completed.Next();
        Assert.Equal(200, outcome.Status);
        Assert.Equal(12, outcome.RequestLength);
        Assert.Equal(17, outcome.ResponseLength);
        Assert.True(outcome.ResponseLatencyMs >= 0);
        Assert.True(outcome.IntegrationLatencyMs >= 0 && outcome.IntegrationLatencyMs <= outcome.ResponseLatencyMs);
        Assert.Null(outcome.ErrorType);
        Assert.False(outcome.ClientAborted);
        Assert.False(outcome.ResponseCut);
        // The same values through $context, as templates and access logs read them.
        Assert.Equal("200", outcome.ContextStatus);
        Assert.Equal("17", outcome.ContextResponseLength);
    }

    [Fact]
    public async Task Completion_GatewayError_RecordsTypeAndMessage()
    {
        await using var gateway = await RunningGateway.StartAsync(Config(Api("shop", "prod",
            Resource("/items", ("GET", Mock("{}"))))));
        var completed = Capture(gateway);

        using var response = await gateway.Client.GetAsync("/prod/nothing");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var outcome = await completed.Next();
        Assert.Equal(403, outcome.Status);
        Assert.Equal(GatewayResponseType.MISSING_AUTHENTICATION_TOKEN, outcome.ErrorType);
        Assert.Equal("Missing Authentication Token", outcome.ErrorMessage);
        Assert.Equal(42, outcome.ResponseLength);
        Assert.False(outcome.ClientAborted);
    }

    [Fact]
    public async Task Completion_IntegrationTimeout_Records504AndTheIntegrationError()
    {
        var release = new TaskCompletionSource();
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            await release.Task.WaitAsync(http.RequestAborted);
            await http.Response.WriteAsync("late");
        });
        var integration = Proxy(backend.Url + "/slow") with { TimeoutInMillis = 100 };
        await using var gateway = await RunningGateway.StartAsync(Config(Api("s", "prod", Resource("/slow", ("GET", integration)))));
        var completed = Capture(gateway);
        try
        {
            using var response = await gateway.Client.GetAsync("/prod/slow");
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            var outcome = await completed.Next();
            Assert.Equal(504, outcome.Status);
            Assert.Equal(GatewayResponseType.INTEGRATION_TIMEOUT, outcome.ErrorType);
            Assert.Equal("Endpoint request timed out", outcome.ErrorMessage);
            // The wait up to the 100 ms timeout (whole milliseconds, truncated; a timer may fire a
            // millisecond or so before the clock reads 100 ms).
            Assert.True(outcome.IntegrationLatencyMs >= 90, $"integration latency {outcome.IntegrationLatencyMs} ms");
            Assert.False(outcome.ClientAborted);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Completion_ClientHangsUp_RecordedAsAborted()
    {
        var arrived = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            arrived.TrySetResult();
            await release.Task.WaitAsync(http.RequestAborted);
        });
        await using var gateway = await RunningGateway.StartAsync(Config(Api("s", "prod", Resource("/slow", ("GET", Proxy(backend.Url + "/slow"))))));
        var completed = Capture(gateway);
        try
        {
            using var hangUp = new CancellationTokenSource();
            var request = gateway.Client.GetAsync("/prod/slow", hangUp.Token);
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
            hangUp.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

            var outcome = await completed.Next();
            Assert.True(outcome.ClientAborted);
            Assert.Null(outcome.ErrorType);
            Assert.DoesNotContain(gateway.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal));
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Completion_BackendStopsHalfWay_RecordedAsCut()
    {
        // The head promises 100 bytes; the backend sends 10 and closes.
        await using var backend = RawBackend.Start(x => x.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"));
        await using var gateway = await RunningGateway.StartAsync(Config(Api("s", "prod", Resource("/half", ("GET", Proxy(backend.Url + "/half"))))));
        var completed = Capture(gateway);

        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            using var response = await gateway.Client.GetAsync("/prod/half");
            await response.Content.ReadAsByteArrayAsync();
        });

        var outcome = await completed.Next();
        Assert.True(outcome.ResponseCut);
        Assert.Equal(200, outcome.Status);
        Assert.Null(outcome.ErrorType);
    }

    private static void Insert(RunningGateway gateway, RequestStage after, IRequestStep step)
    {
        var rows = RequestPhase.Rows.ToList();
        rows.Insert(rows.FindIndex(r => r.Stage == after) + 1, new RequestRow(after, step));
        gateway.Server.Handler.RequestRows = [.. rows];
    }

    private static Outcomes Capture(RunningGateway gateway)
    {
        var outcomes = new Outcomes();
        gateway.Server.Handler.Completed = context => outcomes.Add(context);
        return outcomes;
    }

    /// <summary>What the completion point recorded, copied out of the request context.</summary>
    private sealed record Outcome(
        int? Status, long? RequestLength, long? ResponseLength, long ResponseLatencyMs, long IntegrationLatencyMs,
        GatewayResponseType? ErrorType, string? ErrorMessage, bool ClientAborted, bool ResponseCut, string? ResourcePath,
        string? ContextStatus, string? ContextResponseLength);

    private sealed class Outcomes
    {
        private readonly BlockingCollection<Outcome> _items = new();

        public void Add(RequestContext c)
        {
            c.TryGetVariable("status", out var status);
            c.TryGetVariable("responseLength", out var length);
            _items.Add(new Outcome(c.Status, c.RequestLength, c.ResponseLength, c.ResponseLatencyMs, c.IntegrationLatencyMs,
                c.Error?.Type, c.Error?.Message, c.ClientAborted, c.ResponseCut, c.Method?.ResourcePath, status, length));
        }

        public Task<Outcome> Next() => Task.Run(() =>
            _items.TryTake(out var item, TimeSpan.FromSeconds(30)) ? item : throw new TimeoutException("no request completed"));
    }

    /// <summary>Answers GET requests of one resource itself, as a cache hit will.</summary>
    private sealed class AnswerStep(string resourcePath) : IRequestStep
    {
        public async ValueTask<StepResult> InvokeAsync(RequestContext context)
        {
            if (context.Method?.ResourcePath != resourcePath)
            {
                return StepResult.Continue;
            }
            context.Http.Response.StatusCode = 200;
            context.Http.Response.ContentLength = 9;
            await context.Http.Response.WriteAsync("from step");
            return StepResult.Handled;
        }
    }

    /// <summary>Registers a response step that reports the status it saw in a header.</summary>
    private sealed class RegisterStep : IRequestStep, IResponseStep
    {
        public ValueTask<StepResult> InvokeAsync(RequestContext context)
        {
            context.AddResponseStep(this);
            return ValueTask.FromResult(StepResult.Continue);
        }

        public void OnResponseStarting(RequestContext context) =>
            context.Http.Response.Headers["x-seen-status"] = context.Http.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
