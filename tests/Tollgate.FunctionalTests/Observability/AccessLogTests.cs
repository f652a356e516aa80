using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Observability;
using Tollgate.Gateway.Tests.Support;
using static Tollgate.FunctionalTests.Support.Models;
using Tollgate.Gateway.Forwarding;

namespace Tollgate.FunctionalTests.Observability;

/// <summary>
/// Golden access-log lines on the real gateway: the AWS console presets pasted as they are and a
/// custom format, over a success, a gateway error, throttling and an integration timeout. The
/// clock is fake, so times and latencies are exact; request ids are read from the response.
/// </summary>
public sealed class AccessLogTests : IDisposable
{
    /// <summary>The presets of the API Gateway console (REST), one line each.</summary>
    public const string Clf = "$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime]\"$context.httpMethod $context.resourcePath $context.protocol\" $context.status $context.responseLength $context.requestId $context.extendedRequestId";

    public const string Json = "{ \"requestId\":\"$context.requestId\", \"extendedRequestId\":\"$context.extendedRequestId\",\"ip\": \"$context.identity.sourceIp\", \"caller\":\"$context.identity.caller\", \"user\":\"$context.identity.user\", \"requestTime\":\"$context.requestTime\", \"httpMethod\":\"$context.httpMethod\", \"resourcePath\":\"$context.resourcePath\", \"status\":\"$context.status\", \"protocol\":\"$context.protocol\", \"responseLength\":\"$context.responseLength\" }";

    public const string Xml = "<request id=\"$context.requestId\"> <extendedRequestId>$context.extendedRequestId</extendedRequestId> <ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> <user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>";

    public const string Csv = "$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,$context.requestId,$context.extendedRequestId";

    private const string Custom = "$context.requestId $context.status $context.error.responseType \"$context.error.message\" $context.integration.status $context.integrationLatency $context.responseLatency $context.responseLength $context.requestTimeEpoch $context.httpMethod $context.resourcePath $context.path $context.stage $context.apiId \"$context.identity.userAgent\" $context.waf.status";

    private const int TimeoutMs = 2000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string LogPath => _temp.File("access.log");

    /// <summary>API 'shop', stage 'prod': GET /ok (mock), GET /limited (burst 1, no refill), GET /slow (proxy, 2 s timeout).</summary>
    private GatewayConfig Shop(string format, string backend = "http://127.0.0.1:1")
    {
        var api = Api("shop", "prod",
            Resource("/ok", ("GET", Mock("{\"ok\":true}"))),
            Resource("/limited", ("GET", Mock("{}"))),
            Resource("/slow", ("GET", Proxy(backend + "/slow") with { TimeoutInMillis = TimeoutMs })));
        var stage = new Stage
        {
            StageName = "prod",
            AccessLogSettings = new AccessLogSettings { DestinationArn = "arn:aws:logs:eu-west-1:123456789012:log-group:shop", Format = format },
            MethodSettings = ImmutableDictionary<string, MethodSetting>.Empty.Add("/limited/GET", new MethodSetting { ThrottlingRateLimit = 0.001, ThrottlingBurstLimit = 1 }),
        };
        return Config(api with { Stages = [stage] }) with
        {
            LogDestinations = ImmutableDictionary<string, string>.Empty.Add("arn:aws:logs:eu-west-1:123456789012:log-group:shop", "file://" + LogPath),
        };
    }

    private static async Task<string> SendAsync(RunningGateway gateway, string path, HttpStatusCode expected, string? userAgent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        return response.Headers.GetValues("x-amzn-RequestId").Single();
    }

    /// <summary>The log's lines once <paramref name="count"/> are written, each request id replaced by <c>REQ</c>.</summary>
    private async Task<string[]> LinesAsync(RunningGateway gateway, int count, params string[] requestIds)
    {
        var writer = Assert.Single(gateway.Server.Services.AccessLogs.Writers);
        await writer.WhenWrittenAsync(count).WaitAsync(Patience);
        var lines = await File.ReadAllLinesAsync(LogPath);
        return [.. lines.Select(l => requestIds.Aggregate(l, (line, id) => line.Replace(id, "REQ", StringComparison.Ordinal)))];
    }

    public static TheoryData<string, string, string> Presets => new()
    {
        {
            Clf,
            "127.0.0.1 - - [15/Jan/2026:12:00:00 +0000]\"GET /ok HTTP/1.1\" 200 11 REQ REQ",
            "127.0.0.1 - - [15/Jan/2026:12:00:00 +0000]\"GET - HTTP/1.1\" 403 42 REQ REQ"
        },
        {
            Json,
            "{ \"requestId\":\"REQ\", \"extendedRequestId\":\"REQ\",\"ip\": \"127.0.0.1\", \"caller\":\"-\", \"user\":\"-\", \"requestTime\":\"15/Jan/2026:12:00:00 +0000\", \"httpMethod\":\"GET\", \"resourcePath\":\"/ok\", \"status\":\"200\", \"protocol\":\"HTTP/1.1\", \"responseLength\":\"11\" }",
            "{ \"requestId\":\"REQ\", \"extendedRequestId\":\"REQ\",\"ip\": \"127.0.0.1\", \"caller\":\"-\", \"user\":\"-\", \"requestTime\":\"15/Jan/2026:12:00:00 +0000\", \"httpMethod\":\"GET\", \"resourcePath\":\"-\", \"status\":\"403\", \"protocol\":\"HTTP/1.1\", \"responseLength\":\"42\" }"
        },
        {
            Xml,
            "<request id=\"REQ\"> <extendedRequestId>REQ</extendedRequestId> <ip>127.0.0.1</ip> <caller>-</caller> <user>-</user> <requestTime>15/Jan/2026:12:00:00 +0000</requestTime> <httpMethod>GET</httpMethod> <resourcePath>/ok</resourcePath> <status>200</status> <protocol>HTTP/1.1</protocol> <responseLength>11</responseLength> </request>",
            "<request id=\"REQ\"> <extendedRequestId>REQ</extendedRequestId> <ip>127.0.0.1</ip> <caller>-</caller> <user>-</user> <requestTime>15/Jan/2026:12:00:00 +0000</requestTime> <httpMethod>GET</httpMethod> <resourcePath>-</resourcePath> <status>403</status> <protocol>HTTP/1.1</protocol> <responseLength>42</responseLength> </request>"
        },
        {
            Csv,
            "127.0.0.1,-,-,15/Jan/2026:12:00:00 +0000,GET,/ok,HTTP/1.1,200,11,REQ,REQ",
            "127.0.0.1,-,-,15/Jan/2026:12:00:00 +0000,GET,-,HTTP/1.1,403,42,REQ,REQ"
        },
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public async Task Preset_SuccessAndMissingAuthenticationToken_GoldenLines(string format, string success, string missingToken)
    {
        await using var gateway = await RunningGateway.StartAsync(Shop(format), new FakeTimeProvider());

        var ok = await SendAsync(gateway, "/prod/ok", HttpStatusCode.OK);
        var missing = await SendAsync(gateway, "/prod/nothing-here", HttpStatusCode.Forbidden);

        Assert.Equal([success, missingToken], await LinesAsync(gateway, 2, ok, missing));
    }

    [Fact]
    public async Task Custom_SuccessErrorThrottleTimeout_GoldenLines()
    {
        var clock = new FakeTimeProvider();
        var release = new TaskCompletionSource();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            arrived.TrySetResult();
            await release.Task.WaitAsync(http.RequestAborted);
            await http.Response.WriteAsync("late");
        });
        await using var gateway = await RunningGateway.StartAsync(Shop(Custom, backend.Url), clock);
        try
        {
            var ok = await SendAsync(gateway, "/prod/ok", HttpStatusCode.OK, "golden/1.0");
            var missing = await SendAsync(gateway, "/prod/nothing-here", HttpStatusCode.Forbidden);
            var first = await SendAsync(gateway, "/prod/limited", HttpStatusCode.OK);
            var throttled = await SendAsync(gateway, "/prod/limited", HttpStatusCode.TooManyRequests);
            var slow = SendAsync(gateway, "/prod/slow", HttpStatusCode.GatewayTimeout);
            // The exchange's timer is armed before the request is sent: once the backend has it,
            // the timer due in TimeoutMs is this request's, not one another left behind.
            await arrived.Task.WaitAsync(Patience);
            await clock.WhenTimerDue(TimeSpan.FromMilliseconds(TimeoutMs)).WaitAsync(Patience);
            clock.Advance(TimeSpan.FromMilliseconds(TimeoutMs));
            var timedOut = await slow;

            Assert.Equal(
            [
                "REQ 200 - \"-\" 200 0 0 11 1768478400000 GET /ok /prod/ok prod shop \"golden/1.0\" -",
                "REQ 403 MISSING_AUTHENTICATION_TOKEN \"Missing Authentication Token\" - - 0 42 1768478400000 GET - /prod/nothing-here prod shop \"-\" -",
                "REQ 200 - \"-\" 200 0 0 2 1768478400000 GET /limited /prod/limited prod shop \"-\" -",
                "REQ 429 THROTTLED \"Too Many Requests\" - - 0 31 1768478400000 GET /limited /prod/limited prod shop \"-\" -",
                "REQ 504 INTEGRATION_TIMEOUT \"Endpoint request timed out\" - 2000 2000 40 1768478400000 GET /slow /prod/slow prod shop \"-\" -",
            ], await LinesAsync(gateway, 5, ok, missing, first, throttled, timedOut));
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task ChunkedProxyResponse_ResponseLengthCountsBodyBytes()
    {
        await using var backend = await TestBackend.StartAsync(async http =>
        {
            // No Content-Length: the body goes out chunked, in three writes.
            foreach (var part in new[] { "alpha-", "beta-", "gamma" })
            {
                await http.Response.WriteAsync(part);
                await http.Response.Body.FlushAsync();
            }
        });
        await using var gateway = await RunningGateway.StartAsync(Shop("$context.requestId $context.status $context.responseLength", backend.Url), new FakeTimeProvider());

        using var response = await gateway.Client.GetAsync("/prod/slow");
        Assert.Equal("alpha-beta-gamma", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.TransferEncodingChunked);
        var id = response.Headers.GetValues("x-amzn-RequestId").Single();

        Assert.Equal(["REQ 200 16"], await LinesAsync(gateway, 1, id));
    }

    [Fact]
    public async Task AuthorizerDenial_UnsignedIamRequest_ReasonInAuthorizerError()
    {
        var config = Shop("$context.requestId $context.status $context.error.responseType $context.authorizer.error");
        var api = config.Apis[0];
        var ok = api.Resources[0];
        var iam = ok with { Methods = ok.Methods.SetItem("GET", ok.Methods["GET"] with { AuthorizationType = "AWS_IAM" }) };
        config = config with { Apis = [api with { Resources = api.Resources.SetItem(0, iam) }] };
        await using var gateway = await RunningGateway.StartAsync(config, new FakeTimeProvider());

        var id = await SendAsync(gateway, "/prod/ok", HttpStatusCode.Forbidden);

        var line = Assert.Single(await LinesAsync(gateway, 1, id));
        Assert.Matches(@"^REQ 403 MISSING_AUTHENTICATION_TOKEN sigv4\.[a-z_]+$", line);
    }

    [Fact]
    public async Task HostileUserAgent_QuotesAndBackslashesEscaped_JsonStaysOneValidObject()
    {
        await using var gateway = await RunningGateway.StartAsync(Shop("{\"id\":\"$context.requestId\",\"ua\":\"$context.identity.userAgent\"}"), new FakeTimeProvider());

        var id = await SendAsync(gateway, "/prod/ok", HttpStatusCode.OK, "evil\", \"status\":\"200\\");

        var line = Assert.Single(await LinesAsync(gateway, 1, []));
        Assert.Equal($"{{\"id\":\"{id}\",\"ua\":\"evil\\\", \\\"status\\\":\\\"200\\\\\"}}", line);
        using var parsed = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal("evil\", \"status\":\"200\\", parsed.RootElement.GetProperty("ua").GetString());
    }

    [Fact]
    public async Task NoAccessLogSettings_NothingOpenedNothingWritten()
    {
        await using var gateway = await RunningGateway.StartAsync(Config(Api("shop", "prod", Resource("/ok", ("GET", Mock("{}"))))), new FakeTimeProvider());

        await SendAsync(gateway, "/prod/ok", HttpStatusCode.OK);

        Assert.Empty(gateway.Server.Services.AccessLogs.Writers);
        Assert.False(File.Exists(LogPath));
    }

    [Fact]
    public async Task QueueFull_RequestsAnsweredLinesDroppedAndCounted()
    {
        var current = Shop(Clf) with { AccessLogs = new AccessLogOptions { QueueLines = 2 } };
        var gate = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gateway = await RunningGateway.StartAsync(
            () => new Gateway.Config.ConfigLoad(current, [], []),
            options => options with { Time = new FakeTimeProvider() });
        // The stage moves to a destination whose sink blocks until the test opens the gate.
        var destinations = gateway.Server.Services.AccessLogs;
        destinations.SinkFactory = (_, _) => new BlockedSink(gate, entered);
        current = current with { LogDestinations = current.LogDestinations.SetItem("arn:aws:logs:eu-west-1:123456789012:log-group:shop", "stdout") };
        Assert.Equal(Gateway.Config.ReloadOutcome.Swapped, gateway.Server.Reloader.ReloadNow());
        try
        {
            await SendAsync(gateway, "/prod/ok", HttpStatusCode.OK);
            await entered.Task.WaitAsync(Patience);

            // The writer is stuck: two lines wait in the queue, the other eight are dropped, and
            // every request is answered all the same.
            for (var i = 0; i < 10; i++)
            {
                await SendAsync(gateway, "/prod/ok", HttpStatusCode.OK);
            }
            var blocked = Assert.Single(destinations.Writers, w => w.Destination == "blocked");
            Assert.Equal(8, blocked.Dropped);
            Assert.Equal(8, destinations.Dropped);
            Assert.Equal(0, blocked.Written);
        }
        finally
        {
            gate.Set();
        }
    }

    private sealed class BlockedSink(ManualResetEventSlim gate, TaskCompletionSource entered) : IAccessLogSink
    {
        public string Name => "blocked";

        public void Write(string line)
        {
            entered.TrySetResult();
            gate.Wait();
        }

        public void Flush() { }

        public void Dispose() { }
    }
}
