using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tollgate.FunctionalTests.Authorizers;
using Tollgate.FunctionalTests.Support;
using Tollgate.Gateway.Model;
using static Tollgate.FunctionalTests.Support.Models;
using IntegrationModels = Tollgate.FunctionalTests.Support.IntegrationModels;

namespace Tollgate.FunctionalTests.Observability;

/// <summary>
/// Traces end to end: a real OTLP receiver (http/protobuf and gRPC, protobuf decoded by the test)
/// gets the gateway's spans, a real backend and a real Lambda endpoint get the propagated trace
/// headers. Spans are flushed when the gateway stops, so each test stops it before it looks.
/// </summary>
public sealed class TracingTests : IDisposable
{
    private const int Server = 2, Client = 3;
    private const string ClientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ClientSpan = "00f067aa0ba902b7";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A backend that records the trace headers of each request.</summary>
    private static async Task<(TestBackend Backend, ConcurrentQueue<(string TraceParent, string Xray)> Seen)> BackendAsync()
    {
        var seen = new ConcurrentQueue<(string, string)>();
        var backend = await TestBackend.StartAsync(http =>
        {
            seen.Enqueue((http.Request.Headers["traceparent"].ToString(), http.Request.Headers["X-Amzn-Trace-Id"].ToString()));
            return http.Response.WriteAsync("ok");
        });
        return (backend, seen);
    }

    private GatewayConfig Traced(string apiName, string backendUrl, OtlpReceiver receiver, bool tracing = true, OtlpProtocol protocol = OtlpProtocol.HttpProtobuf, double ratio = 1.0)
    {
        var api = Api(apiName, "prod", Resource("/items/{id}", ("GET", Proxy(backendUrl + "/items"))));
        var stage = new Stage
        {
            StageName = "prod",
            TracingEnabled = tracing,
            AccessLogSettings = new AccessLogSettings { DestinationArn = "file://" + _temp.File(apiName + ".log"), Format = "$context.requestId $context.xrayTraceId" },
        };
        return Config(api with { Stages = [stage] }) with
        {
            Telemetry = new TelemetrySettings { OtlpEndpoint = receiver.BaseUri, OtlpProtocol = protocol, ServiceName = "edge-" + apiName, SamplingRatio = ratio },
        };
    }

    [Fact]
    public async Task Traceparent_ContinuedPropagatedAndExported_ServerAndClientSpansLinked()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: false);
        var (backend, seen) = await BackendAsync();
        await using var _ = backend;
        var gateway = await RunningGateway.StartAsync(Traced("traced-a", backend.Url, receiver));
        string requestId;
        await using (gateway)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/prod/items/7");
            request.Headers.Add("traceparent", $"00-{ClientTrace}-{ClientSpan}-01");
            request.Headers.Add("tracestate", "vendor=abc");
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            requestId = response.Headers.GetValues("x-amzn-RequestId").Single();
        }

        var spans = receiver.Spans.Where(s => s.TraceId == ClientTrace).ToList();
        var server = Assert.Single(spans, s => s.Kind == Server);
        var upstream = Assert.Single(spans, s => s.Kind == Client);
        Assert.Equal(2, spans.Count);
        Assert.Equal("GET /items/{id}", server.Name);
        Assert.Equal(ClientSpan, server.ParentSpanId);
        Assert.Equal(server.SpanId, upstream.ParentSpanId);
        Assert.Equal("GET", upstream.Name);
        Assert.Equal("/items/{id}", server.Attributes["http.route"]);
        Assert.Equal("200", server.Attributes["http.response.status_code"]);
        Assert.Equal(requestId, server.Attributes["aws.request_id"]);
        Assert.Equal("traced-a", server.Attributes["aws.api_gateway.api_id"]);
        Assert.Equal("200", upstream.Attributes["http.response.status_code"]);
        Assert.Equal("edge-traced-a", server.Resource["service.name"]);

        // The backend saw the trace continued under the upstream span, in both header styles.
        var (traceparent, xray) = Assert.Single(seen);
        Assert.Equal($"00-{ClientTrace}-{upstream.SpanId}-01", traceparent);
        Assert.Equal($"Root=1-{ClientTrace[..8]}-{ClientTrace[8..]};Parent={upstream.SpanId};Sampled=1", xray);

        // $context.xrayTraceId in the access log.
        var line = Assert.Single(File.ReadAllLines(_temp.File("traced-a.log")));
        Assert.Equal($"{requestId} 1-{ClientTrace[..8]}-{ClientTrace[8..]}", line);
    }

    [Fact]
    public async Task XrayHeader_ContinuesItsTrace_RootOnlyToo()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: false);
        var (backend, seen) = await BackendAsync();
        await using var _ = backend;
        await using (var gateway = await RunningGateway.StartAsync(Traced("traced-b", backend.Url, receiver)))
        {
            using var withParent = new HttpRequestMessage(HttpMethod.Get, "/prod/items/1");
            withParent.Headers.Add("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(withParent)).StatusCode);
            // As a load balancer sends it: a root and nothing else.
            using var rootOnly = new HttpRequestMessage(HttpMethod.Get, "/prod/items/2");
            rootOnly.Headers.Add("X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(rootOnly)).StatusCode);
            // Sampled=0: the caller decided against recording; no span, and its own header travels on untouched.
            using var unsampled = new HttpRequestMessage(HttpMethod.Get, "/prod/items/3");
            unsampled.Headers.Add("X-Amzn-Trace-Id", "Root=1-11111111-222222222222222222222222;Parent=3333333333333333;Sampled=0");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(unsampled)).StatusCode);
            // Malformed: ignored, a new trace begins.
            using var malformed = new HttpRequestMessage(HttpMethod.Get, "/prod/items/4");
            malformed.Headers.Add("X-Amzn-Trace-Id", "Root=1-zz-notatrace;Parent=1;Sampled=1");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(malformed)).StatusCode);
        }

        var first = Assert.Single(receiver.Spans, s => s.TraceId == "5759e988bd862e3fe1be46a994272793" && s.Kind == Server);
        Assert.Equal("53995c3f42cd8ad8", first.ParentSpanId);
        var second = Assert.Single(receiver.Spans, s => s.TraceId == "67891233abcdef012345678912345678" && s.Kind == Server);
        Assert.Equal(16, second.ParentSpanId.Length);
        Assert.DoesNotContain(receiver.Spans, s => s.TraceId == "11111111222222222222222222222222");

        var headers = seen.ToArray();
        Assert.Equal(4, headers.Length);
        Assert.StartsWith("00-5759e988bd862e3fe1be46a994272793-", headers[0].TraceParent);
        Assert.StartsWith("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=", headers[0].Xray);
        Assert.StartsWith("00-67891233abcdef012345678912345678-", headers[1].TraceParent);
        Assert.Equal("", headers[2].TraceParent);
        Assert.Equal("Root=1-11111111-222222222222222222222222;Parent=3333333333333333;Sampled=0", headers[2].Xray);
        Assert.DoesNotContain("zz", headers[3].Xray, StringComparison.Ordinal);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", headers[3].TraceParent);
        var fourth = headers[3].TraceParent.Split('-')[1];
        Assert.Single(receiver.Spans, s => s.TraceId == fourth && s.Kind == Server && s.ParentSpanId.Length == 0);
    }

    [Fact]
    public async Task Grpc_SpansArriveOverOtlpGrpc()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: true);
        var (backend, _) = await BackendAsync();
        await using var __ = backend;
        await using (var gateway = await RunningGateway.StartAsync(Traced("traced-c", backend.Url, receiver, protocol: OtlpProtocol.Grpc)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/prod/items/7");
            request.Headers.Add("traceparent", $"00-{ClientTrace}-{ClientSpan}-01");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(request)).StatusCode);
        }
        Assert.Contains("/opentelemetry.proto.collector.trace.v1.TraceService/Export", receiver.Paths);
        Assert.Single(receiver.Spans, s => s.TraceId == ClientTrace && s.Kind == Server && s.ParentSpanId == ClientSpan);
    }

    [Fact]
    public async Task StageWithoutTracing_NoSpan_ClientHeadersPassUntouched()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: false);
        var (backend, seen) = await BackendAsync();
        await using var _ = backend;
        await using (var gateway = await RunningGateway.StartAsync(Traced("traced-d", backend.Url, receiver, tracing: false)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/prod/items/7");
            request.Headers.Add("traceparent", $"00-{ClientTrace}-{ClientSpan}-01");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(request)).StatusCode);
        }
        Assert.DoesNotContain(receiver.Spans, s => s.Resource.GetValueOrDefault("service.name") == "edge-traced-d");
        Assert.Equal($"00-{ClientTrace}-{ClientSpan}-01", Assert.Single(seen).TraceParent);
        // No span, no X-Ray trace id.
        Assert.EndsWith(" -", Assert.Single(File.ReadAllLines(_temp.File("traced-d.log"))));
    }

    [Fact]
    public async Task SamplingRatioZero_NewTracesNotRecorded_CallersDecisionKept()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: false);
        var (backend, seen) = await BackendAsync();
        await using var _ = backend;
        await using (var gateway = await RunningGateway.StartAsync(Traced("traced-e", backend.Url, receiver, ratio: 0)))
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/prod/items/1")).StatusCode);
            using var sampled = new HttpRequestMessage(HttpMethod.Get, "/prod/items/2");
            sampled.Headers.Add("traceparent", $"00-{ClientTrace}-{ClientSpan}-01");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(sampled)).StatusCode);
        }
        var ours = receiver.Spans.Where(s => s.Resource.GetValueOrDefault("service.name") == "edge-traced-e").ToList();
        Assert.All(ours, s => Assert.Equal(ClientTrace, s.TraceId));
        Assert.Single(ours, s => s.Kind == Server);
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task LambdaProxy_TracedRequest_EventAndResponseCarryTheTrace()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: false);
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("f", _ => new LambdaReply("{\"statusCode\": 200, \"body\": \"ok\"}"));
        var api = IntegrationModels.SingleMethodApi("/f", "GET", IntegrationModels.LambdaProxy("f"));
        var config = Config(api with { Id = "traced-g", Stages = [new Stage { StageName = "prod", TracingEnabled = true }] }).WithLambda(lambda.Url) with
        {
            Telemetry = new TelemetrySettings { OtlpEndpoint = receiver.BaseUri, ServiceName = "edge-traced-g" },
        };
        string responseTrace;
        await using (var gateway = await RunningGateway.StartAsync(config))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/prod/f");
            request.Headers.Add("traceparent", $"00-{ClientTrace}-{ClientSpan}-01");
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            responseTrace = response.Headers.GetValues("X-Amzn-Trace-Id").Single();
        }
        var server = Assert.Single(receiver.Spans, s => s.Resource.GetValueOrDefault("service.name") == "edge-traced-g" && s.Kind == Server);
        // The trace AWS reports back and puts in the event is the request's own, naming its server span.
        Assert.Equal($"Root=1-{ClientTrace[..8]}-{ClientTrace[8..]};Parent={server.SpanId};Sampled=1", responseTrace);
        var (_, evt) = Assert.Single(lambda.Invocations);
        Assert.Equal(responseTrace, evt.GetProperty("headers").GetProperty("X-Amzn-Trace-Id").GetString());
    }

    [Fact]
    public async Task LambdaAuthorizerAndLambdaInvocations_AreChildSpans_WithTheTraceHeader()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: false);
        await using var lambda = await TestLambda.StartAsync();
        lambda.Function("tenant-auth", _ => AuthorizerSetup.Policy("Allow", "arn:aws:execute-api:eu-west-1:123456789012:orders/live/GET/orders/*"));
        var (backend, seen) = await BackendAsync();
        await using var _ = backend;
        var config = AuthorizerSetup.Config(backend.Url, AuthorizerSetup.Token(), lambdaUrl: lambda.Url);
        var api = config.Apis[0];
        config = config with
        {
            Apis = [api with { Stages = [api.Stages[0] with { TracingEnabled = true }] }],
            Telemetry = new TelemetrySettings { OtlpEndpoint = receiver.BaseUri, ServiceName = "edge-traced-f" },
        };
        await using (var gateway = await RunningGateway.StartAsync(config))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/live/orders/9");
            request.Headers.Add("traceparent", $"00-{ClientTrace}-{ClientSpan}-01");
            request.Headers.Add("Authorization", "token-1");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(request)).StatusCode);
        }
        var spans = receiver.Spans.Where(s => s.Resource.GetValueOrDefault("service.name") == "edge-traced-f").ToList();
        var server = Assert.Single(spans, s => s.Kind == Server);
        var authorizer = Assert.Single(spans, s => s.Name == "authorizer auth");
        var invoke = Assert.Single(spans, s => s.Name.StartsWith("Lambda Invoke ", StringComparison.Ordinal));
        var upstream = Assert.Single(spans, s => s.Name == "GET");
        Assert.Equal(server.SpanId, authorizer.ParentSpanId);
        Assert.Equal(authorizer.SpanId, invoke.ParentSpanId);
        Assert.Equal(server.SpanId, upstream.ParentSpanId);
        Assert.Equal("200", authorizer.Attributes["aws.api_gateway.authorizer.status"]);
        Assert.Equal("Ok", invoke.Attributes["aws.lambda.outcome"]);
        var (function, header) = Assert.Single(lambda.TraceHeaders);
        Assert.Equal($"Root=1-{ClientTrace[..8]}-{ClientTrace[8..]};Parent={invoke.SpanId};Sampled=1", header);
        Assert.Single(seen);
    }
}
