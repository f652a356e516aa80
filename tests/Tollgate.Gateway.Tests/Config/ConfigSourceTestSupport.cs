using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Tests.Support;
using Tollgate.Gateway.Lambda;
using Tollgate.Gateway.Policies.Authorizers;

namespace Tollgate.Gateway.Tests.Config;

/// <summary>
/// A source whose content the test sets: each load returns the content as it is at that moment,
/// so a test can change it after the signal and before the load, as a file saved again would.
/// </summary>
internal sealed class ChangingSource(GatewayConfig config, string revision) : IConfigSource
{
    private volatile ConfigLoad _current = new(config, [], []) { Revision = revision };

    public int Loads;

    public Exception? Throw { get; set; }

    public string Description => "test source";

    public event Action? Changed;

    public bool Watching { get; private set; }

    public void Set(GatewayConfig config, string revision) => _current = new ConfigLoad(config, [], []) { Revision = revision };

    public void Set(ConfigLoad load) => _current = load;

    public void Signal() => Changed?.Invoke();

    public ConfigLoad Load()
    {
        Interlocked.Increment(ref Loads);
        if (Throw is { } e)
        {
            throw e;
        }
        return _current;
    }

    public void Watch() => Watching = true;

    public void Dispose()
    {
    }
}

/// <summary>A reloader over a source on a fake clock, with its logs kept for assertions.</summary>
internal sealed class ReloaderHarness : IDisposable
{
    private readonly HttpForwarder _forwarder;
    private readonly LambdaClient _lambda;
    private readonly ILoggerFactory _loggers;

    public ReloaderHarness(IConfigSource source, string? dataDirectory = null)
    {
        Time = new FakeTimeProvider();
        _loggers = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Information));
        _forwarder = new HttpForwarder(Time, _loggers.CreateLogger<HttpForwarder>());
        _lambda = new LambdaClient(Time, _loggers.CreateLogger<LambdaClient>());
        Usage = new UsageServices(Time, dataDirectory);
        Services = new GatewayServices(Time, _loggers, _forwarder, _lambda).WithUsage(Usage);
        var initial = ConfigReloader.LoadInitial(source.Load(), Services, out var problems);
        Assert.True(initial is not null, string.Join("\n", problems));
        Snapshots = new SnapshotHolder(initial);
        Reloader = new ConfigReloader(source, Snapshots, Services, Debounce);
        Reloader.Reloaded += o => Outcomes.Enqueue(o);
    }

    public static TimeSpan Debounce { get; } = TimeSpan.FromMilliseconds(250);

    public FakeTimeProvider Time { get; }

    public LogLines Logs { get; } = new();

    public UsageServices Usage { get; }

    public GatewayServices Services { get; }

    public SnapshotHolder Snapshots { get; }

    public ConfigReloader Reloader { get; }

    public ConcurrentQueue<ReloadOutcome> Outcomes { get; } = new();

    public void Dispose()
    {
        Reloader.Dispose();
        Usage.Dispose();
        _forwarder.Dispose();
        _lambda.Dispose();
        Services.Authorizers.Dispose();
        Services.AccessLogs.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _loggers.Dispose();
    }
}

/// <summary>Every log line written, as "Level: message".</summary>
internal sealed class LogLines : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}
