using System.Collections.Immutable;

namespace Tollgate.Gateway.Model;

/// <summary>
/// A stage's access log, as API Gateway's <c>accessLogSettings</c>: one line per request in
/// <see cref="Format"/>, written to <see cref="DestinationArn"/>.
/// </summary>
public sealed record AccessLogSettings
{
    /// <summary>
    /// Where lines go: <c>stdout</c>, <c>file:///absolute/path.log</c> (rotated by size, see
    /// <see cref="AccessLogOptions"/>), or an AWS ARN (a CloudWatch Logs group, a Firehose stream)
    /// that <see cref="GatewayConfig.LogDestinations"/> maps to one of those.
    /// </summary>
    public required string DestinationArn { get; init; }

    /// <summary>
    /// The line: text with <c>$context</c> variables (<c>$context.requestId</c>, <c>$context.status</c>,
    /// ...), e.g. one of the console's CLF, JSON, XML or CSV presets. It must name
    /// <c>$context.requestId</c> or <c>$context.extendedRequestId</c>, as in AWS; an HTTP API's is
    /// at most 1,024 characters. A variable without a value is written <c>-</c>.
    /// </summary>
    public required string Format { get; init; }
}

/// <summary>How access-log files are rotated and how many lines may wait to be written (top-level <c>accessLogs</c>).</summary>
public sealed record AccessLogOptions
{
    /// <summary>Default of <see cref="MaxFileBytes"/>: 100 MiB.</summary>
    public const long DefaultMaxFileBytes = 100L * 1024 * 1024;

    /// <summary>Default of <see cref="MaxFiles"/>: 10.</summary>
    public const int DefaultMaxFiles = 10;

    /// <summary>Default of <see cref="QueueLines"/>: 10,000.</summary>
    public const int DefaultQueueLines = 10_000;

    /// <summary>
    /// A file is rotated before a line would take it past this size: <c>orders.log</c> becomes
    /// <c>orders.log.1</c>, <c>.1</c> becomes <c>.2</c>, and so on. From 1 KiB; default 100 MiB.
    /// </summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>Rotated files kept besides the current one; the oldest beyond it is deleted. 1 to 1,000; default 10.</summary>
    public int MaxFiles { get; init; } = DefaultMaxFiles;

    /// <summary>
    /// Lines waiting for the writer, per destination. When it is full, further lines are dropped
    /// and counted; a request never waits for its log line. 1 to 1,000,000; default 10,000.
    /// </summary>
    public int QueueLines { get; init; } = DefaultQueueLines;

    /// <summary>
    /// Time rotation: a file is also rotated by the first line written after each boundary of this
    /// interval (UTC; 3600 s rotates on the hour, 86400 s at midnight). Zero (the default): by size only.
    /// </summary>
    public TimeSpan RotateInterval { get; init; }
}
