using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Observability;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Benchmarks;

/// <summary>
/// The request-thread share of an access log and of a traced request: rendering the console's
/// JSON preset for a completed request, and the spans of a traced request (a server span, one
/// upstream span with its trace headers) handed to a batch processor whose exporter drops them.
/// The OTLP encoding and sending happen on the exporter's thread and are not in these figures.
/// </summary>
[MemoryDiagnoser]
public class ObservabilityBenchmarks
{
    private const string JsonPreset = "{ \"requestId\":\"$context.requestId\", \"extendedRequestId\":\"$context.extendedRequestId\",\"ip\": \"$context.identity.sourceIp\", \"caller\":\"$context.identity.caller\", \"user\":\"$context.identity.user\", \"requestTime\":\"$context.requestTime\", \"httpMethod\":\"$context.httpMethod\", \"resourcePath\":\"$context.resourcePath\", \"status\":\"$context.status\", \"protocol\":\"$context.protocol\", \"responseLength\":\"$context.responseLength\" }";

    private AccessLogFormat _format = null!;
    private RequestContext _context = null!;
    private TracerProvider _tracer = null!;
    private CompiledStage _stage = null!;
    private readonly List<KeyValuePair<string, string>> _headers = new(16);

    [GlobalSetup]
    public void Setup()
    {
        _format = AccessLogFormat.Parse(JsonPreset, httpApi: false, out var error) ?? throw new InvalidOperationException(error);
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = "/prod/pets/7";
        http.Request.Protocol = "HTTP/1.1";
        http.Request.Headers.UserAgent = "wrk";
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        var api = new Api { Id = "pets", Name = "pets", Stages = [new Stage { StageName = "prod", TracingEnabled = true }] };
        _stage = new CompiledStage(new CompiledApi(api, null!, null!, 0), api.Stages[0]);
        _context = new RequestContext(http, RequestIds.New(), DateTimeOffset.UtcNow, Stopwatch.GetTimestamp())
        {
            Stage = _stage,
            Status = 200,
            ResponseLength = 36,
            ResponseLatencyMs = 1,
        };
        _tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(Tracing.SourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(new BatchActivityExportProcessor(new DroppingExporter()))
            .Build()!;
    }

    [GlobalCleanup]
    public void Cleanup() => _tracer.Dispose();

    [Benchmark]
    public string AccessLog_RenderJsonPreset() => _format.Render(_context);

    [Benchmark]
    public int TracedRequest_ServerAndUpstreamSpans()
    {
        var server = Tracing.StartServer(_context, _stage)!;
        var previous = Activity.Current;
        var upstream = Tracing.StartClient("GET")!;
        upstream.SetTag("http.request.method", "GET");
        upstream.SetTag("server.address", "127.0.0.1");
        upstream.SetTag("server.port", Tracing.Boxed(18080));
        upstream.SetTag("url.full", "http://127.0.0.1:18080/prod/0");
        _headers.Clear();
        Tracing.Inject(upstream, (name, value) => _headers.Add(new(name, value)));
        upstream.SetTag("http.response.status_code", Tracing.Boxed(200));
        Tracing.End(upstream, null);
        Activity.Current = previous;
        Tracing.Complete(server, _context, 200);
        return _headers.Count;
    }

    private sealed class DroppingExporter : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
    }
}
