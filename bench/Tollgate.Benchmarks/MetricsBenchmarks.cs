using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Tollgate.Gateway.Observability;
using Tollgate.Gateway.Hosting;

namespace Tollgate.Benchmarks;

/// <summary>
/// What recording one request's metrics costs: a count and two latency histograms, labelled
/// api, stage, method, resource and status class, as <see cref="GatewayMetrics"/> records them.
/// The gateway's way (the OpenTelemetry SDK reading a .NET meter, with the Prometheus exporter
/// attached) against prometheus-net, with the label lookup per request and with the labelled
/// children cached per method (the cheapest prometheus-net allows).
/// </summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private static readonly double[] Buckets = [1, 2.5, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 10000, 29000, 60000];

    private GatewayMetrics _otel = null!;
    private MeterProvider _provider = null!;
    private MethodLabels _labels = null!;
    private Prometheus.Counter _promCount = null!;
    private Prometheus.Histogram _promLatency = null!;
    private Prometheus.Histogram _promIntegration = null!;
    private Prometheus.Counter.Child _countChild = null!;
    private Prometheus.Histogram.Child _latencyChild = null!;
    private Prometheus.Histogram.Child _integrationChild = null!;
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter(GatewayMetrics.MeterName).AddPrometheusExporter().Build();
        _otel = new GatewayMetrics(() => 0, () => 0);
        _labels = new MethodLabels("orders", "prod", "GET", "/orders/{id}", httpApi: false);

        var registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        string[] names = ["api", "stage", "method", "resource", "status_class"];
        _promCount = factory.CreateCounter("tollgate_api_requests_total", "requests", names);
        _promLatency = factory.CreateHistogram("tollgate_api_latency_milliseconds", "latency", new Prometheus.HistogramConfiguration { LabelNames = names[..4], Buckets = Buckets });
        _promIntegration = factory.CreateHistogram("tollgate_api_integration_latency_milliseconds", "latency", new Prometheus.HistogramConfiguration { LabelNames = names[..4], Buckets = Buckets });
        _countChild = _promCount.WithLabels("orders", "prod", "GET", "/orders/{id}", "2xx");
        _latencyChild = _promLatency.WithLabels("orders", "prod", "GET", "/orders/{id}");
        _integrationChild = _promIntegration.WithLabels("orders", "prod", "GET", "/orders/{id}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _otel.Dispose();
    }

    private double Latency() => 3 + (++_i & 63);

    [Benchmark(Baseline = true)]
    public void OpenTelemetry_Read()
    {
        var latency = Latency();
        var tags = _labels.Tags;
        tags.Add("status_class", "2xx");
        _otel.Requests.Add(1, tags);
        _otel.Latency.Record(latency, _labels.Tags);
        _otel.IntegrationLatency.Record(latency - 1, _labels.Tags);
    }

    [Benchmark]
    public void PrometheusNet_LabelsPerRequest()
    {
        var latency = Latency();
        _promCount.WithLabels("orders", "prod", "GET", "/orders/{id}", "2xx").Inc();
        _promLatency.WithLabels("orders", "prod", "GET", "/orders/{id}").Observe(latency);
        _promIntegration.WithLabels("orders", "prod", "GET", "/orders/{id}").Observe(latency - 1);
    }

    [Benchmark]
    public void PrometheusNet_CachedChildren()
    {
        var latency = Latency();
        _countChild.Inc();
        _latencyChild.Observe(latency);
        _integrationChild.Observe(latency - 1);
    }
}

/// <summary>The instruments with no reader: what a gateway without an admin listener or OTLP endpoint pays.</summary>
[MemoryDiagnoser]
public class MetricsOffBenchmarks
{
    private GatewayMetrics _metrics = null!;
    private int _i;

    [GlobalSetup]
    public void Setup() => _metrics = new GatewayMetrics(() => 0, () => 0);

    [GlobalCleanup]
    public void Cleanup() => _metrics.Dispose();

    [Benchmark]
    public int NoReader()
    {
        // What GatewayHandler does when nothing reads metrics: one check, nothing recorded.
        if (_metrics.Enabled)
        {
            _metrics.Requests.Add(1);
        }
        return ++_i;
    }
}
