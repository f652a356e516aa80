using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Observability;

/// <summary>
/// The OpenTelemetry SDK of one gateway: a meter provider when anything reads metrics (the admin
/// listener's <c>/metrics</c>, an OTLP endpoint) and a tracer provider when spans have somewhere
/// to go (an OTLP endpoint). Neither exists otherwise, so the instruments stay disabled and no
/// span is ever started. Made at start and kept until shutdown, when both flush what they hold.
/// </summary>
internal sealed class Telemetry : IDisposable
{
    /// <summary>The meters read: the gateway's API metrics, ASP.NET Core's and Kestrel's (<c>http.server.request.duration</c>, connections) and the runtime's (GC, thread pool, CPU, memory).</summary>
    internal static readonly string[] Meters =
    [
        GatewayMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime",
    ];

    private Telemetry(MeterProvider? meters, TracerProvider? tracer)
    {
        MeterProvider = meters;
        TracerProvider = tracer;
    }

    /// <summary>The meter provider (null when nothing reads metrics); the admin listener serves its Prometheus exporter.</summary>
    public MeterProvider? MeterProvider { get; }

    public TracerProvider? TracerProvider { get; }

    /// <summary>Whether the admin listener may serve <c>/metrics</c> from <see cref="MeterProvider"/>.</summary>
    public bool HasPrometheus { get; private init; }

    public static Telemetry Start(TelemetrySettings settings, bool prometheus)
    {
        var endpoint = settings.OtlpEndpoint;
        MeterProvider? meters = null;
        if (prometheus || endpoint is not null)
        {
            var builder = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(r => r.AddService(settings.ServiceName))
                .AddMeter(Meters);
            if (prometheus)
            {
                builder.AddPrometheusExporter(o =>
                {
                    // Every scrape sees the counts of that moment; scrapes are few and cheap.
                    o.ScrapeResponseCacheDurationMilliseconds = 0;
                    o.DisableTotalNameSuffixForCounters = false;
                });
            }
            if (endpoint is not null)
            {
                builder.AddOtlpExporter((exporter, reader) =>
                {
                    Configure(exporter, settings, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.MetricsExportInterval.TotalMilliseconds;
                });
            }
            meters = builder.Build();
        }
        TracerProvider? tracer = null;
        if (endpoint is not null)
        {
            var ratio = new TraceIdRatioBasedSampler(settings.SamplingRatio);
            Tracing.SampleDeferred = traceId =>
                ratio.ShouldSample(new SamplingParameters(default, traceId, "", System.Diagnostics.ActivityKind.Server)).Decision != SamplingDecision.Drop;
            tracer = Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(r => r.AddService(settings.ServiceName))
                .SetSampler(new ParentBasedSampler(ratio))
                .AddSource(Tracing.SourceName)
                .AddOtlpExporter(o => Configure(o, settings, "v1/traces"))
                .Build();
        }
        return new Telemetry(meters, tracer) { HasPrometheus = prometheus && meters is not null };
    }

    /// <summary>OTLP over HTTP posts to a path per signal under the endpoint; gRPC takes the endpoint itself.</summary>
    private static void Configure(OtlpExporterOptions options, TelemetrySettings settings, string signalPath)
    {
        var endpoint = settings.OtlpEndpoint!;
        if (settings.OtlpProtocol == OtlpProtocol.Grpc)
        {
            options.Protocol = OtlpExportProtocol.Grpc;
            options.Endpoint = endpoint;
        }
        else
        {
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
            var path = endpoint.AbsolutePath.EndsWith('/') ? endpoint.AbsolutePath : endpoint.AbsolutePath + "/";
            options.Endpoint = new UriBuilder(endpoint) { Path = path + signalPath }.Uri;
        }
    }

    /// <summary>Flushes and stops both providers: spans and metrics still held are exported now.</summary>
    public void Dispose()
    {
        if (TracerProvider is not null)
        {
            // The deferred-sampling decision is process-wide; the next tracer sets its own.
            Tracing.SampleDeferred = static _ => true;
        }
        TracerProvider?.Dispose();
        MeterProvider?.Dispose();
    }
}
