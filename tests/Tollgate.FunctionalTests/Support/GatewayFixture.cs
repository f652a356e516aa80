using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Hosting;
using Tollgate.Gateway.Model;

namespace Tollgate.FunctionalTests.Support;

/// <summary>A real gateway on Kestrel, 127.0.0.1 port 0, with an HttpClient pointed at it.</summary>
public sealed class RunningGateway : IAsyncDisposable
{
    private RunningGateway(GatewayServer server, CapturingLoggerProvider logs)
    {
        Server = server;
        Logs = logs;
        Client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = server.Addresses[0],
        };
    }

    internal GatewayServer Server { get; }

    public HttpClient Client { get; }

    public CapturingLoggerProvider Logs { get; }

    public Uri BaseUri => Server.Addresses[0];

    internal static async Task<RunningGateway> StartAsync(GatewayConfig config) =>
        await StartAsync(() => new ConfigLoad(config, [], []));

    internal static async Task<RunningGateway> StartAsync(GatewayConfig config, TimeProvider time) =>
        await StartAsync(() => new ConfigLoad(config, [], []), time: time);

    internal static Task<RunningGateway> StartAsync(Func<ConfigLoad> source, bool watch = false, TimeProvider? time = null) =>
        StartAsync(source, options => options with { Watch = watch, Time = time ?? TimeProvider.System });

    /// <summary>Starts with options of the test's own (data directory, clock, log level) over the defaults.</summary>
    internal static Task<RunningGateway> StartAsync(Func<ConfigLoad> source, Func<GatewayServerOptions, GatewayServerOptions> configure) =>
        StartAsync(new DelegateConfigSource(source), configure);

    /// <summary>Starts on a source of the test's own (a file, one that changes under the reloader).</summary>
    internal static async Task<RunningGateway> StartAsync(IConfigSource source, Func<GatewayServerOptions, GatewayServerOptions>? configure = null)
    {
        var logs = new CapturingLoggerProvider();
        configure ??= static o => o;
        var server = await GatewayServer.StartAsync(configure(new GatewayServerOptions
        {
            Source = source,
            Listen = ["http://127.0.0.1:0"],
            Watch = false,
            MinimumLogLevel = LogLevel.Information,
            ConfigureLogging = b => b.AddProvider(logs),
        }));
        return new RunningGateway(server, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Keeps every log line so tests can assert on what the gateway said.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
    }
}
