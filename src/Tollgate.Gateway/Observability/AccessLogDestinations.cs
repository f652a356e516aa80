using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;

namespace Tollgate.Gateway.Observability;

/// <summary>
/// A stage's compiled access log: its format and its destination. The destination's writer is
/// opened when the first line is written, so compiling a config opens nothing (a reload that is
/// then refused leaves no writer, thread or file behind).
/// </summary>
internal sealed class AccessLog(AccessLogFormat format, AccessLogDestinations destinations, string destination, AccessLogOptions options)
{
    private AccessLogWriter? _writer;

    public AccessLogFormat Format { get; } = format;

    /// <summary>Where the lines go: <c>stdout</c> or a file path.</summary>
    public string Destination { get; } = destination;

    /// <summary>The destination's writer, opened (or found, when another stage opened it) on first use.</summary>
    public AccessLogWriter Writer => _writer ??= destinations.Open(Destination, options);

    /// <summary>Renders the completed request's line and queues it; never waits.</summary>
    public void Write(RequestContext context) => Writer.Write(Format.Render(context));
}

/// <summary>
/// The writers of every access-log destination, one per destination and shared by the stages that
/// name it; they outlive snapshots, so a reload neither reopens files nor loses queued lines. The
/// queue size and rotation limits are those of the config in use when a destination is first opened.
/// </summary>
internal sealed class AccessLogDestinations(ILoggerFactory loggers, TimeProvider? time = null) : IAsyncDisposable
{
    /// <summary>The destination name of standard output.</summary>
    public const string Stdout = "stdout";

    private readonly Dictionary<string, AccessLogWriter> _writers = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger("Tollgate.AccessLog");

    /// <summary>Makes a sink for a destination (<c>stdout</c> or a file path); tests replace it.</summary>
    internal Func<string, AccessLogOptions, IAccessLogSink> SinkFactory { get; set; } = (destination, options) => CreateSink(destination, options, time ?? TimeProvider.System);

    /// <summary>The writers opened so far.</summary>
    public IReadOnlyList<AccessLogWriter> Writers
    {
        get
        {
            lock (_writers)
            {
                return [.. _writers.Values];
            }
        }
    }

    /// <summary>Lines dropped by every destination because its queue was full.</summary>
    public long Dropped => Writers.Sum(w => w.Dropped);

    /// <summary>The writer of a destination resolved by <see cref="Resolve"/>, opened on first use.</summary>
    public AccessLogWriter Open(string destination, AccessLogOptions options)
    {
        lock (_writers)
        {
            if (!_writers.TryGetValue(destination, out var writer))
            {
                writer = new AccessLogWriter(SinkFactory(destination, options), options.QueueLines, _logger);
                _writers[destination] = writer;
            }
            return writer;
        }
    }

    /// <summary>
    /// Where a stage's <c>destinationArn</c> writes: <c>stdout</c>, or the absolute path of a
    /// <c>file:///</c> URI; an AWS ARN goes through <paramref name="map"/> (<c>logDestinations</c>).
    /// Null, with <paramref name="error"/>, for anything else, including an ARN the map lacks.
    /// </summary>
    public static string? Resolve(string destinationArn, ImmutableDictionary<string, string> map, out string? error)
    {
        var target = destinationArn;
        if (destinationArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            if (!map.TryGetValue(destinationArn, out var mapped))
            {
                error = $"destinationArn '{destinationArn}' is not in logDestinations; map it to stdout or a file:/// path.";
                return null;
            }
            target = mapped;
        }
        if (target == Stdout)
        {
            error = null;
            return Stdout;
        }
        if (target.StartsWith("file://", StringComparison.Ordinal) &&
            Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.IsFile && string.IsNullOrEmpty(uri.Host) &&
            Path.IsPathFullyQualified(uri.LocalPath) && !uri.LocalPath.EndsWith('/'))
        {
            error = null;
            return uri.LocalPath;
        }
        error = target == destinationArn
            ? $"destinationArn '{destinationArn}' must be stdout, a file:///absolute/path or an ARN mapped in logDestinations."
            : $"logDestinations maps '{destinationArn}' to '{target}', which is neither stdout nor a file:///absolute/path.";
        return null;
    }

    private static IAccessLogSink CreateSink(string destination, AccessLogOptions options, TimeProvider time) =>
        destination == Stdout
            ? new StreamSink(Stdout, Console.OpenStandardOutput())
            : new RotatingFileSink(destination, options, time);

    /// <summary>Writes every queued line and closes the destinations.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var writer in Writers)
        {
            await writer.DisposeAsync();
        }
        lock (_writers)
        {
            _writers.Clear();
        }
    }
}
