using System.Collections.Immutable;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

/// <summary>
/// The config keys of access logs: a stage's <c>accessLogSettings</c> (named as in API Gateway),
/// the top-level <c>accessLogs</c> limits and the <c>logDestinations</c> map. Only the shape is
/// checked here; formats and destinations are compiled (and their errors reported) by the
/// snapshot compiler, so that <c>validate</c> and a reload report them the same way.
/// </summary>
internal static partial class ConfigLoader
{
    /// <summary>Top-level keys of access logs: accessLogs, logDestinations.</summary>
    private static GatewayConfig ReadAccessLogSections(ConfigObject file, GatewayConfig config)
    {
        var options = config.AccessLogs;
        if (file.Object("accessLogs") is { } limits)
        {
            options = new AccessLogOptions
            {
                MaxFileBytes = BoundedBytes(limits, "maxFileBytes", 1024) ?? options.MaxFileBytes,
                MaxFiles = (int)(Bounded(limits, "maxFiles", 1, 1000) ?? options.MaxFiles),
                QueueLines = (int)(Bounded(limits, "queueLines", 1, 1_000_000) ?? options.QueueLines),
                RotateInterval = limits.Integer("rotateIntervalSeconds") is 0 ? TimeSpan.Zero
                    : Bounded(limits, "rotateIntervalSeconds", 60, 31 * 86400) is { } seconds ? TimeSpan.FromSeconds(seconds) : options.RotateInterval,
            };
            limits.ReportUnknownKeys();
        }
        var destinations = file.StringMap("logDestinations").ToImmutableDictionary(StringComparer.Ordinal);
        var telemetry = file.Object("telemetry") is { } section ? ReadTelemetry(section) : config.Telemetry;
        return config with { AccessLogs = options, LogDestinations = destinations, Telemetry = telemetry };
    }

    /// <summary>Top-level key telemetry { otlpEndpoint, otlpProtocol, serviceName, samplingRatio, metricsExportIntervalSeconds }.</summary>
    private static TelemetrySettings ReadTelemetry(ConfigObject section)
    {
        var settings = new TelemetrySettings();
        if (section.String("otlpEndpoint") is { } endpoint)
        {
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0 && uri.Fragment.Length == 0)
            {
                settings = settings with { OtlpEndpoint = uri };
            }
            else
            {
                section.Error($"'otlpEndpoint' '{endpoint}' must be an http:// or https:// URL without query, e.g. http://127.0.0.1:4318.");
            }
        }
        switch (section.String("otlpProtocol"))
        {
            case null:
                break;
            case "http/protobuf":
                settings = settings with { OtlpProtocol = OtlpProtocol.HttpProtobuf };
                break;
            case "grpc":
                settings = settings with { OtlpProtocol = OtlpProtocol.Grpc };
                break;
            case var other:
                section.Error($"'otlpProtocol' '{other}' must be http/protobuf or grpc.");
                break;
        }
        if (section.String("serviceName") is { } service)
        {
            if (service.Length is 0 or > 255)
            {
                section.Error("'serviceName' must be 1 to 255 characters.");
            }
            else
            {
                settings = settings with { ServiceName = service };
            }
        }
        if (section.Number("samplingRatio") is { } ratio)
        {
            if (ratio is < 0 or > 1 || double.IsNaN(ratio))
            {
                section.Error($"'samplingRatio' {ratio} must be from 0 to 1.");
            }
            else
            {
                settings = settings with { SamplingRatio = ratio };
            }
        }
        if (Bounded(section, "metricsExportIntervalSeconds", 1, 3600) is { } interval)
        {
            settings = settings with { MetricsExportInterval = TimeSpan.FromSeconds(interval) };
        }
        section.ReportUnknownKeys();
        return settings;
    }

    /// <summary>Stage keys of observability: accessLogSettings { destinationArn, format }, tracingEnabled.</summary>
    private static Stage ReadAccessLogStageKeys(ConfigObject stage, Stage model)
    {
        if (stage.Boolean("tracingEnabled") is { } tracing)
        {
            model = model with { TracingEnabled = tracing };
        }
        if (stage.Object("accessLogSettings") is not { } settings)
        {
            return model;
        }
        var destination = settings.String("destinationArn", required: true);
        var format = settings.String("format", required: true);
        settings.ReportUnknownKeys();
        return destination is null || format is null
            ? model
            : model with { AccessLogSettings = new AccessLogSettings { DestinationArn = destination, Format = format } };
    }

    /// <summary>An optional size in bytes of at least <paramref name="min"/>; smaller is an error naming the key (and null).</summary>
    private static long? BoundedBytes(ConfigObject entry, string key, long min)
    {
        if (entry.Integer(key) is not { } value)
        {
            return null;
        }
        if (value < min)
        {
            entry.Error($"'{key}' {value} must be at least {min}.");
            return null;
        }
        return value;
    }
}
