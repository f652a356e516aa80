namespace Tollgate.Gateway.Model;

/// <summary>The OTLP transport (<c>telemetry.otlpProtocol</c>).</summary>
public enum OtlpProtocol
{
    /// <summary><c>http/protobuf</c>: POST to <c>{endpoint}/v1/traces</c> and <c>/v1/metrics</c> (the collector's port 4318).</summary>
    HttpProtobuf,

    /// <summary><c>grpc</c>: the OTLP gRPC service (the collector's port 4317).</summary>
    Grpc,
}

/// <summary>
/// OpenTelemetry export (top-level <c>telemetry</c>). Read at start only: a reload that changes it
/// says that a restart is needed.
/// </summary>
public sealed record TelemetrySettings
{
    /// <summary>
    /// The OTLP collector, for example <c>http://127.0.0.1:4318</c>: spans of stages with
    /// <c>tracingEnabled</c> and every metric go there. Null (the default): nothing is exported and
    /// no span is made.
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>How spans and metrics reach <see cref="OtlpEndpoint"/>. Default <c>http/protobuf</c>.</summary>
    public OtlpProtocol OtlpProtocol { get; init; } = OtlpProtocol.HttpProtobuf;

    /// <summary>The <c>service.name</c> resource attribute. Default <c>tollgate</c>.</summary>
    public string ServiceName { get; init; } = "tollgate";

    /// <summary>
    /// The share of new traces recorded, 0 to 1 (default 1). A request that arrives with a trace
    /// context (<c>traceparent</c> or <c>X-Amzn-Trace-Id</c>) follows its caller's decision instead.
    /// </summary>
    public double SamplingRatio { get; init; } = 1.0;

    /// <summary>How often metrics are pushed to <see cref="OtlpEndpoint"/>. Default 60 s, CloudWatch's period.</summary>
    public TimeSpan MetricsExportInterval { get; init; } = TimeSpan.FromSeconds(60);
}
