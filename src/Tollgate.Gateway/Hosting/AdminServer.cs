using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Management;

namespace Tollgate.Gateway.Hosting;

/// <summary>
/// The admin listener (<c>server.adminListen</c>): a Kestrel server of its own, beside the
/// gateway's, whose requests go to <see cref="AdminHandler"/> and never into the gateway
/// pipeline. Its own server rather than one more endpoint of the gateway's, for two reasons. The
/// gateway's accept gate holds every listener it binds to <c>server.maxConnections</c>, so a
/// gateway full of client connections would leave a probe waiting in the backlog and the
/// orchestrator would restart a gateway that is only busy; this server's socket transport is not
/// gated, and Kestrel's own limit of <see cref="MaxConnections"/> connections (a surplus one is
/// closed) bounds it instead, well within the descriptors the gateway's budget keeps in reserve.
/// And it outlives the gateway's drain: on SIGTERM the gateway stops accepting and finishes its
/// requests while <c>/readyz</c> here goes on answering 503, as Kubernetes expects of a pod that
/// is stopping; this server stops when the gateway has, never on a signal of its own.
/// </summary>
internal sealed class AdminServer : IAsyncDisposable
{
    /// <summary>Admin connections open at once: probes and scrapers are few.</summary>
    public const int MaxConnections = 16;

    private readonly WebApplication _app;

    private AdminServer(WebApplication app) => _app = app;

    /// <summary>The address bound (with the real port when 0 was asked for).</summary>
    public IReadOnlyList<Uri> Addresses =>
        [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];

    public static async Task<AdminServer> StartAsync(string url, AdminHandler handler, Observability.Telemetry telemetry, Action<ILoggingBuilder> configureLogging, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        configureLogging(builder.Logging);
        builder.Services.AddSingleton<IHostLifetime, StoppedByGateway>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = MaxConnections;
            kestrel.Limits.MaxRequestBodySize = 0;
            // An idle or slow connection gives its place back soon: probes open one per check.
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
        });
        var app = builder.Build();
        // Probes and scrapes are not the gateway's traffic: they stay out of its request metrics.
        app.Use((http, next) =>
        {
            if (http.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
            {
                metrics.MetricsDisabled = true;
            }
            return next(http);
        });
        if (telemetry.HasPrometheus)
        {
            // GET /metrics: the Prometheus text format (or OpenMetrics, as the scraper asks).
            app.UseOpenTelemetryPrometheusScrapingEndpoint(telemetry.MeterProvider, AdminHandler.IsScrape, path: null, configureBranchedPipeline: null, optionsName: null);
        }
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new AdminServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A lifetime that listens to no signal: Ctrl-C and SIGTERM are the gateway's to handle.</summary>
    private sealed class StoppedByGateway : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
