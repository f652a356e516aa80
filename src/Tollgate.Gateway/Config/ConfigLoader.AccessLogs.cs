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
            };
            limits.ReportUnknownKeys();
        }
        var destinations = file.StringMap("logDestinations").ToImmutableDictionary(StringComparer.Ordinal);
        return config with { AccessLogs = options, LogDestinations = destinations };
    }

    /// <summary>Stage key of access logs: accessLogSettings { destinationArn, format }.</summary>
    private static Stage ReadAccessLogStageKeys(ConfigObject stage, Stage model)
    {
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
