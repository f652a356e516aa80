using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Gateway.Config;
using Tollgate.Gateway.Forwarding;
using Tollgate.Gateway.Management;
using Tollgate.Gateway.Model;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Policies.Throttling;
using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Diagnostics;
using Tollgate.Gateway.Lambda;
using Tollgate.Gateway.Policies.Authorizers;

namespace Tollgate.Gateway.Hosting;

/// <summary>Thrown when the initial config is invalid; carries every problem.</summary>
internal sealed class InvalidConfigException(IReadOnlyList<ConfigDiagnostic> problems)
    : Exception($"The configuration has {problems.Count(p => p.Severity == DiagnosticSeverity.Error)} error(s).")
{
    public IReadOnlyList<ConfigDiagnostic> Problems { get; } = problems;
}

/// <summary>
/// A running gateway: Kestrel, the current snapshot and the reloader. Used by the CLI and by the
/// functional tests alike, so what the tests start is what users run.
/// </summary>
internal sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpForwarder _forwarder;
    private readonly ILoggerFactory _loggerFactory;
    private readonly AdminServer? _admin;
    private readonly IConfigSource _source;
    private readonly Observability.Telemetry _telemetry;
    private readonly Observability.GatewayMetrics _metrics;

    private GatewayServer(WebApplication app, AdminServer? admin, IConfigSource source, GatewayServices services, HttpForwarder forwarder, ILoggerFactory loggerFactory, SnapshotHolder snapshots, ConfigReloader reloader, IReadOnlyList<ConfigDiagnostic> warnings,
        Observability.Telemetry telemetry, Observability.GatewayMetrics metrics)
    {
        _admin = admin;
        _source = source;
        _telemetry = telemetry;
        _metrics = metrics;
        Services = services;
        _app = app;
        _forwarder = forwarder;
        _loggerFactory = loggerFactory;
        Snapshots = snapshots;
        Reloader = reloader;
        Warnings = warnings;
    }

    public SnapshotHolder Snapshots { get; }

    /// <summary>The request handler: its phase tables and completion point.</summary>
    internal GatewayHandler Handler { get; private init; } = null!;

    public GatewayServices Services { get; }

    public ConfigReloader Reloader { get; }

    public IReadOnlyList<ConfigDiagnostic> Warnings { get; }

    /// <summary>The addresses Kestrel actually bound (with the real port when 0 was asked for).</summary>
    public IReadOnlyList<Uri> Addresses =>
        [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];

    /// <summary>A logger writing where and how the gateway's own lines go (the console, in the chosen format).</summary>
    public ILogger CreateLogger(string category) => _loggerFactory.CreateLogger(category);

    /// <summary>Client connections the accept gate holds open now (the admin listener's are not among them).</summary>
    public int OpenClientConnections => ((AcceptGate)_app.Services.GetRequiredService<IConnectionListenerFactory>()).Open;

    /// <summary>Whether anything reads this gateway's metrics (the admin listener's /metrics, an OTLP endpoint).</summary>
    internal bool HasMeterProvider => _telemetry.MeterProvider is not null;

    /// <summary>The address of the admin listener (<c>server.adminListen</c>); empty when there is none.</summary>
    public IReadOnlyList<Uri> AdminAddresses => _admin?.Addresses ?? [];

    /// <summary>One logging set-up for the host and for the long-lived gateway services.</summary>
    private static void ConfigureLogging(ILoggingBuilder logging, GatewayServerOptions options)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(options.MinimumLogLevel);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        // While this category is enabled at any level, ASP.NET Core starts an Activity and a
        // logging scope for every request. The gateway logs its own requests; this one only ever
        // logs per-request start and stop lines, which the filter above drops anyway.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // A flood of warnings (refused connections, failing backends) must not block the threads
        // that log them: past the console's queue (2,500 messages) lines are dropped, not waited for.
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            o => o.QueueFullMode = Microsoft.Extensions.Logging.Console.ConsoleLoggerQueueFullMode.DropWrite);
        if (options.LogFormat == LogFormat.Json)
        {
            // Request-scoped lines already pass the request id as the named argument
            // {RequestId}, which this formatter writes under State: no per-request scope is
            // pushed for it, so the hot path pays nothing. The trace id comes from the Activity
            // in progress, read only when a line is written (and only when there is one).
            logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }
        options.ConfigureLogging?.Invoke(logging);
    }

    /// <summary>
    /// Kestrel's AppContext switch that makes a bare LF (without CR) end no request line or
    /// header line: such a request is refused 400. RFC 9112 section 2.2 lets a server accept a
    /// bare LF, and Kestrel does by default; a gateway refuses it so that it never reads a request
    /// differently from a proxy in front of it that ends lines only at CR LF.
    /// </summary>
    private const string StrictLineEndingsSwitch = "Microsoft.AspNetCore.Server.Kestrel.DisableHttp1LineFeedTerminators";

    public static async Task<GatewayServer> StartAsync(GatewayServerOptions options, CancellationToken cancellationToken = default)
    {
        // Read by Kestrel when its options are created, so set before the host is built.
        AppContext.SetSwitch(StrictLineEndingsSwitch, true);
        var builder = WebApplication.CreateSlimBuilder();
        ConfigureLogging(builder.Logging, options);

        // The services outlive snapshots: a reload does not drop pooled backend connections.
        var loggerFactory = LoggerFactory.Create(b => ConfigureLogging(b, options));
        // Read once up front: the start-only settings (connection limits) apply from the start.
        ConfigLoad firstLoad;
        try
        {
            firstLoad = options.Source.Load();
        }
        catch
        {
            options.Source.Dispose();
            loggerFactory.Dispose();
            throw;
        }
        var start = StartSettings.Of(firstLoad.Config ?? new GatewayConfig());
        var forwarder = new HttpForwarder(options.Time, loggerFactory.CreateLogger<HttpForwarder>(), start.MaxConcurrentRequestsPerBackend);
        var lambda = new LambdaClient(options.Time, loggerFactory.CreateLogger<LambdaClient>());
        var usageLogger = loggerFactory.CreateLogger("Tollgate.Usage");
        // The database is opened by the pipeline, and only for a config with plans or keys.
        var usage = new UsageServices(options.Time, options.ChooseDataDirectory ?? (options.DataDirectory is { } data ? () => data : null), flushFailed: e =>
            usageLogger.LogError("Writing usage to the database failed; the counts are kept and retried every second: {Message}", e.Message));
        var services = new GatewayServices(options.Time, loggerFactory, forwarder, lambda).WithUsage(usage);

        GatewaySnapshot? initial;
        IReadOnlyList<ConfigDiagnostic> diagnostics;
        try
        {
            initial = ConfigReloader.LoadInitial(firstLoad, services, out diagnostics);
        }
        catch (UsageDatabaseException)
        {
            await DisposeUnstartedAsync(options, services, loggerFactory);
            throw;
        }
        if (initial is null)
        {
            await DisposeUnstartedAsync(options, services, loggerFactory);
            throw new InvalidConfigException(diagnostics);
        }
        var config = initial.Config;
        start = StartSettings.Of(config);
        var snapshots = new SnapshotHolder(initial);
        // lambda.credentials: sign invocations with SigV4 in the region of the config in use.
        lambda.Signer = new LambdaSigner(options.Time, () => snapshots.Current.Config.Region).SignAsync;
        // lambda.maxConcurrency, maxQueued, queueTimeoutMillis and functions: the limits of the config in use.
        lambda.Settings = () => snapshots.Current.Config.Lambda;
        var reloader = new ConfigReloader(options.Source, snapshots, services, options.ReloadDebounce);

        var listen = options.Listen.Count > 0 ? options.Listen
            : start.Listen.Length > 0 ? start.Listen
            : ["http://127.0.0.1:8080"];
        builder.WebHost.UseUrls([.. listen]);
        // Start-only settings: a reload that changes them says that they wait for a restart.
        var limits = ConnectionLimits.For(config.Server, ConnectionLimits.ReadOpenFileLimit(), ConnectionLimits.CountOpenFiles(), out var limitsWarning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The gateway enforces its own body limit per API while streaming.
            kestrel.Limits.MaxRequestBodySize = null;
            // The connection limit is the accept gate's (below); upgrades have one of their own.
            kestrel.Limits.MaxConcurrentUpgradedConnections = limits.MaxUpgradedConnections;
            kestrel.Limits.KeepAliveTimeout = start.KeepAliveTimeout;
        });
        builder.Services.RemoveAll<IConnectionListenerFactory>();
        AcceptGate? gate = null;
        builder.Services.AddSingleton<IConnectionListenerFactory>(sp => gate = new AcceptGate(
            new SocketTransportFactory(sp.GetRequiredService<IOptions<SocketTransportOptions>>(), sp.GetRequiredService<ILoggerFactory>()),
            limits.MaxConnections, loggerFactory.CreateLogger("Tollgate.Server"), options.Time));
        // Metrics and traces: read (and made) only when the admin listener or an OTLP endpoint asks.
        var metrics = new Observability.GatewayMetrics(() => services.AccessLogs.Dropped, () => gate?.Open ?? 0);
        var telemetry = Observability.Telemetry.Start(start.Telemetry, prometheus: start.AdminListen is not null);
        builder.Services.AddSingleton(metrics);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = start.DrainTimeout);
        builder.Services.AddSingleton(snapshots);
        builder.Services.AddSingleton(options.Time);
        builder.Services.AddSingleton<GatewayHandler>();

        var app = builder.Build();
        var handler = app.Services.GetRequiredService<GatewayHandler>();
        app.Run(handler.HandleAsync);
        var readiness = new Readiness(snapshots, usage);
        var lifetimeLogger = loggerFactory.CreateLogger("Tollgate.Server");
        app.Lifetime.ApplicationStarted.Register(() => readiness.Listening = true);
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            readiness.Listening = false;
            lifetimeLogger.LogInformation(
                "Shutting down: no new connections; finishing requests in flight (up to {Seconds} s).", start.DrainTimeout.TotalSeconds);
        });
        // Requests have drained by now: write the last counts before the process goes.
        app.Lifetime.ApplicationStopped.Register(() => FlushUsage(usage, lifetimeLogger));
        lifetimeLogger.LogInformation(
            "Client connections: at most {Connections} ({Upgraded} upgraded), idle {KeepAlive} s; requests per backend: at most {PerBackend}; open-file limit: {OpenFiles}.",
            limits.MaxConnections, limits.MaxUpgradedConnections, start.KeepAliveTimeout.TotalSeconds,
            start.MaxConcurrentRequestsPerBackend, limits.OpenFileLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited");
        if (limitsWarning is not null)
        {
            lifetimeLogger.LogWarning("{Warning}", limitsWarning);
        }
        if (usage.DatabasePath is { } database)
        {
            lifetimeLogger.LogInformation("Usage is recorded in {Database}.", database);
        }
        else if (usage.Durable)
        {
            lifetimeLogger.LogInformation("Usage: no usage plans or API keys, so no usage database is opened (a reload that adds them opens one).");
        }
        await app.StartAsync(cancellationToken);
        AdminServer? admin = null;
        if (start.AdminListen is { } adminListen)
        {
            try
            {
                admin = await AdminServer.StartAsync(adminListen, new AdminHandler(readiness), telemetry, b => ConfigureLogging(b, options), cancellationToken);
            }
            catch
            {
                telemetry.Dispose();
                metrics.Dispose();
                reloader.Dispose();
                options.Source.Dispose();
                await app.DisposeAsync();
                forwarder.Dispose();
                lambda.Dispose();
                usage.Dispose();
                services.Authorizers.Dispose();
                loggerFactory.Dispose();
                throw;
            }
        }
        // Reading and compiling the config leaves garbage (parsed documents, builders) that no
        // request would make the GC collect soon: give that memory back before serving.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (options.Watch)
        {
            reloader.StartWatching();
        }
        if (start.Telemetry.OtlpEndpoint is { } otlp)
        {
            lifetimeLogger.LogInformation("Telemetry: metrics and the spans of stages with tracingEnabled go to {Endpoint} ({Protocol}), sampling {Ratio}.",
                otlp, start.Telemetry.OtlpProtocol == Model.OtlpProtocol.Grpc ? "grpc" : "http/protobuf", start.Telemetry.SamplingRatio);
        }
        return new GatewayServer(app, admin, options.Source, services, forwarder, loggerFactory, snapshots, reloader, initial.Diagnostics, telemetry, metrics) { Handler = handler };
    }

    /// <summary>Releases what a start that did not get to serve had made.</summary>
    private static async Task DisposeUnstartedAsync(GatewayServerOptions options, GatewayServices services, ILoggerFactory loggerFactory)
    {
        options.Source.Dispose();
        services.Forwarder.Dispose();
        services.Lambda.Dispose();
        services.Usage.Dispose();
        services.Authorizers.Dispose();
        await services.AccessLogs.DisposeAsync();
        loggerFactory.Dispose();
    }

    /// <summary>Completes when the host stops (Ctrl-C, SIGTERM, or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting connections and lets requests in flight finish (up to the drain timeout).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Reloader.Dispose();
        _source.Dispose();
        await _app.DisposeAsync();
        // After the gateway has drained: until then /readyz answers 503 (draining).
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }
        _forwarder.Dispose();
        Services.Lambda.Dispose();
        Services.Usage.Dispose();
        Services.Authorizers.Dispose();
        // Requests have finished: write every queued access-log line before the files close.
        await Services.AccessLogs.DisposeAsync();
        // Export the last spans and metrics, then stop reading the instruments.
        _telemetry.Dispose();
        _metrics.Dispose();
        _loggerFactory.Dispose();
    }

    private static void FlushUsage(UsageServices usage, ILogger logger)
    {
        try
        {
            usage.FlushAsync().AsTask().GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // Shutdown goes on; Dispose tries once more and the counts stay in memory until then.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError("Writing usage at shutdown failed: {Message}", e.Message);
        }
    }
}
