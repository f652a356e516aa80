using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Observability;

/// <summary>
/// API Gateway's CloudWatch metrics (<c>AWS/ApiGateway</c>) as .NET instruments on the meter
/// <see cref="MeterName"/>, which the OpenTelemetry SDK reads for the Prometheus endpoint and OTLP
/// (<see cref="Telemetry"/>). CloudWatch's metrics map to them as docs/observability.md shows:
/// <c>Count</c>, <c>4XXError</c> and <c>5XXError</c> are <see cref="Requests"/> by
/// <c>status_class</c>; <c>Latency</c> and <c>IntegrationLatency</c> are histograms in ms.
/// Labels are the API, the stage and, where the stage's <c>metricsEnabled</c> asks for detailed
/// metrics, the method and resource template (HTTP APIs: the route key): never a raw path, so the
/// number of series is bounded by the config. With no reader listening (no admin listener, no
/// OTLP endpoint) every instrument is disabled and a request pays one field read.
/// </summary>
internal sealed class GatewayMetrics : IDisposable
{
    /// <summary>The meter's name, as an OpenTelemetry reader subscribes to it.</summary>
    public const string MeterName = "Tollgate";

    /// <summary>Latency buckets in ms: 1 ms to API Gateway's 29 s integration timeout and beyond.</summary>
    private static readonly IReadOnlyList<double> LatencyBuckets =
        [1, 2.5, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 10000, 29000, 60000];

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    /// <summary>
    /// One meter for the process, however many gateways it runs (tests run several): a meter
    /// disposed with one gateway would take the instruments of the others with it, as a reader
    /// keys what it collects by meter and instrument name.
    /// </summary>
    private static readonly Meter Meter = new(MeterName, typeof(GatewayMetrics).Assembly.GetName().Version?.ToString());

    private static readonly InstrumentAdvice<double> LatencyAdvice = new() { HistogramBucketBoundaries = LatencyBuckets };

    private static readonly Counter<long> RequestsCounter = Meter.CreateCounter<long>("tollgate.api.requests", "{request}",
        "Requests an API stage answered (CloudWatch Count; 4XXError and 5XXError by status_class).");

    private static readonly Histogram<double> LatencyHistogram = Meter.CreateHistogram("tollgate.api.latency", "ms",
        "From receiving a request to answering it (CloudWatch Latency).", tags: null, LatencyAdvice);

    private static readonly Histogram<double> IntegrationLatencyHistogram = Meter.CreateHistogram("tollgate.api.integration_latency", "ms",
        "From sending a request to the integration to its answer (CloudWatch IntegrationLatency).", tags: null, LatencyAdvice);

    private static readonly Counter<long> GatewayResponsesCounter = Meter.CreateCounter<long>("tollgate.api.gateway_responses", "{response}",
        "Answers the gateway gave itself, by gateway response type (THROTTLED, QUOTA_EXCEEDED, UNAUTHORIZED, ...).");

    private static readonly Counter<long> AuthorizersCounter = Meter.CreateCounter<long>("tollgate.api.authorizer_requests", "{request}",
        "Requests a method's authorizer decided, by outcome: allow, unauthorized (401), deny (403), error (500).");

    /// <summary>The running gateways' sources of the observed instruments.</summary>
    private static readonly ConcurrentDictionary<GatewayMetrics, (Func<long> Dropped, Func<int> Open)> Sources = new();

    static GatewayMetrics()
    {
        Meter.CreateObservableCounter("tollgate.access_log.dropped", () => Sources.Values.Sum(s => s.Dropped()), "{line}",
            "Access-log lines dropped because a destination's queue was full.");
        Meter.CreateObservableUpDownCounter("tollgate.connections.open", () => Sources.Values.Sum(s => s.Open()), "{connection}",
            "Client connections open now (the admin listener's are not counted).");
    }

    public GatewayMetrics(Func<long> droppedAccessLogLines, Func<int> openConnections) =>
        Sources[this] = (droppedAccessLogLines, openConnections);

    public Counter<long> Requests => RequestsCounter;

    public Histogram<double> Latency => LatencyHistogram;

    public Histogram<double> IntegrationLatency => IntegrationLatencyHistogram;

    public Counter<long> GatewayResponses => GatewayResponsesCounter;

    public Counter<long> Authorizers => AuthorizersCounter;

    /// <summary>Whether any reader listens: only then is a request's completion measured for metrics.</summary>
    public bool Enabled => Requests.Enabled;

    /// <summary>Records a completed request of a stage: its status, latencies, gateway response and authorizer outcome.</summary>
    public void Record(RequestContext context, CompiledStage stage, int status, double latencyMs)
    {
        var labels = stage.MetricLabels(context.Method);
        var tags = labels.Tags;
        tags.Add("status_class", StatusClasses[Math.Clamp(status / 100, 1, 5) - 1]);
        Requests.Add(1, tags);
        Latency.Record(latencyMs, labels.Tags);
        if (context.IntegrationLatencyMs >= 0)
        {
            IntegrationLatency.Record(context.IntegrationLatencyMs, labels.Tags);
        }
        if (context.Error is { } error)
        {
            var stageTags = labels.StageTags;
            stageTags.Add("type", error.Type.ToString());
            GatewayResponses.Add(1, stageTags);
        }
        if (AuthorizerOutcome(context) is { } outcome)
        {
            var stageTags = labels.StageTags;
            stageTags.Add("authorizer", context.Method?.Model.AuthorizerId ?? context.Method?.Model.AuthorizationType ?? "");
            stageTags.Add("outcome", outcome);
            Authorizers.Add(1, stageTags);
        }
    }

    /// <summary>What the method's authorizer decided (its <c>$context.authorizer.status</c>), or null when it did not run.</summary>
    private static string? AuthorizerOutcome(RequestContext context) => context.AuthorizerStatus switch
    {
        null => null,
        200 => "allow",
        401 => "unauthorized",
        403 => "deny",
        _ => "error",
    };

    /// <summary>Stops reporting this gateway's connections and dropped lines; the meter lives on for the process.</summary>
    public void Dispose() => Sources.TryRemove(this, out _);
}

/// <summary>The label values of one method of a stage (or of the stage alone).</summary>
internal sealed class MethodLabels
{
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly KeyValuePair<string, object?>[] _stageTags;

    public MethodLabels(string api, string stage, string? method, string? resource, bool httpApi)
    {
        _stageTags = [new("api", api), new("stage", stage)];
        _tags = httpApi
            ? [.. _stageTags, new("route", method is null ? "" : resource == "$default" ? "$default" : method + " " + resource)]
            : [.. _stageTags, new("method", method ?? ""), new("resource", resource ?? "")];
    }

    /// <summary>api, stage and method and resource (REST) or route (HTTP APIs).</summary>
    public TagList Tags => new(_tags);

    /// <summary>api and stage.</summary>
    public TagList StageTags => new(_stageTags);
}
