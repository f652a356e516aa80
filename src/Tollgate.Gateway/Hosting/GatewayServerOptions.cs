using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Config;

namespace Tollgate.Gateway.Hosting;

/// <summary>How to start a gateway.</summary>
internal sealed record GatewayServerOptions
{
    /// <summary>
    /// Where the config comes from: loaded at start and at every reload. The server owns it and
    /// disposes it when it stops.
    /// </summary>
    public required IConfigSource Source { get; init; }

    /// <summary>URLs to listen on; port 0 picks a free port. Empty: the config's, else http://127.0.0.1:8080.</summary>
    public IReadOnlyList<string> Listen { get; init; } = [];

    /// <summary>Reload when the source signals a change (for files: when one is saved).</summary>
    public bool Watch { get; init; } = true;

    public TimeSpan ReloadDebounce { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>How console lines are written: one line of text each (default), or one JSON object each.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>
    /// The directory of the usage database (<c>tollgate.db</c>): usage per key and day, quotas
    /// across restarts. Opened only once a config has usage plans or API keys; a config with
    /// neither never touches it. Null (and no <see cref="ChooseDataDirectory"/>): usage is kept in
    /// memory only (tests, and embedders that want no file).
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// Chooses the data directory when a config first needs the usage database, in place of
    /// <see cref="DataDirectory"/>: the command line's default probes which of two directories
    /// can be written, and a config that needs none must not cause even that.
    /// </summary>
    public Func<string>? ChooseDataDirectory { get; init; }

    /// <summary>Extra logging set-up (tests capture logs through it).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}

/// <summary>The console log format (<c>tollgate serve --log-format</c>).</summary>
internal enum LogFormat
{
    /// <summary>One line of text per entry, with a UTC timestamp.</summary>
    Text,

    /// <summary>
    /// One JSON object per line (the built-in JSON console formatter): the message, its
    /// arguments by name under <c>State</c> (request-scoped lines name <c>RequestId</c>), and under
    /// <c>Scopes</c> the <c>TraceId</c> and <c>SpanId</c> of the trace in progress, if any.
    /// </summary>
    Json,
}
