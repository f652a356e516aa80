using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Storage;
using Tollgate.Gateway.Diagnostics;
using Tollgate.Gateway.Policies.Throttling;

namespace Tollgate.Gateway.Config;

/// <summary>The outcome of one reload.</summary>
internal enum ReloadOutcome
{
    Swapped,
    Unchanged,
    Failed,
}

/// <summary>
/// Keeps the snapshot in step with one <see cref="IConfigSource"/>: when the source signals a
/// change (debounced, so an editor's several writes make one reload) it loads, runs the
/// <see cref="ConfigPipeline"/> and swaps. A load whose revision is the one serving is not
/// recompiled; a load that does not validate or compile keeps the last good snapshot and logs
/// every problem; start-only settings that changed are named in a warning.
/// </summary>
/// <remarks>
/// The debounce is here, not in the sources: it is the same policy for every source, runs on the
/// gateway's <see cref="TimeProvider"/> (so tests drive it with a fake clock), and leaves a
/// source with nothing to do but read and signal.
/// </remarks>
internal sealed class ConfigReloader : IDisposable
{
    private readonly IConfigSource _source;
    private readonly SnapshotHolder _holder;
    private readonly GatewayServices _services;
    private readonly ILogger _logger;
    private readonly TimeSpan _debounce;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    // What the process started with: listeners, limits and exporters are set up once.
    private readonly StartSettings _startedWith;

    public ConfigReloader(IConfigSource source, SnapshotHolder holder, GatewayServices services, TimeSpan debounce)
    {
        _source = source;
        _holder = holder;
        _services = services;
        _debounce = debounce;
        _logger = services.LoggerFactory.CreateLogger("Tollgate.Config");
        _startedWith = StartSettings.Of(holder.Current.Config);
        _timer = services.Time.CreateTimer(static s => ((ConfigReloader)s!).ReloadNow(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        source.Changed += OnChanged;
    }

    /// <summary>Raised after every reload attempt, with its outcome.</summary>
    public event Action<ReloadOutcome>? Reloaded;

    /// <summary>
    /// Runs the pipeline over the first load. Null, with every problem in <paramref name="diagnostics"/>,
    /// when it is invalid. Throws <see cref="UsageDatabaseException"/> when the config needs the
    /// usage database and it cannot be opened.
    /// </summary>
    public static GatewaySnapshot? LoadInitial(ConfigLoad load, GatewayServices services, out IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        var bag = new DiagnosticBag();
        var snapshot = ConfigPipeline.Build(load, services, bag);
        diagnostics = bag.Items;
        if (snapshot?.Usage is { } usage)
        {
            services.Usage.RecordPlanStarts(usage.PlansById.Values);
        }
        return snapshot;
    }

    /// <summary>Asks the source to signal changes; until then only <see cref="ReloadNow"/> reloads.</summary>
    public void StartWatching() => _source.Watch();

    private void OnChanged() => _timer.Change(_debounce, Timeout.InfiniteTimeSpan);

    /// <summary>Loads, compiles and swaps now. Safe to call from any thread; reloads never overlap.</summary>
    public ReloadOutcome ReloadNow()
    {
        ReloadOutcome outcome;
        lock (_gate)
        {
            outcome = Reload();
        }
        Reloaded?.Invoke(outcome);
        return outcome;
    }

    private ReloadOutcome Reload()
    {
        ConfigLoad load;
        try
        {
            load = _source.Load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("Reload failed, keeping the running config: {Message}", e.Message);
            return ReloadOutcome.Failed;
        }
        // The revision names the bytes this load parsed: equal to the running one, nothing changed.
        if (load.Revision is { Length: > 0 } revision && revision == _holder.Current.Revision
            && load.Config is not null && !HasErrors(load.Diagnostics))
        {
            return ReloadOutcome.Unchanged;
        }
        var diagnostics = new DiagnosticBag();
        var wasOpen = _services.Usage.Store is not null;
        GatewaySnapshot? snapshot;
        try
        {
            snapshot = ConfigPipeline.Build(load, _services, diagnostics, _holder.Current);
        }
        catch (UsageDatabaseException e)
        {
            diagnostics.Error("usage database", $"cannot open the usage database: {e.Message}");
            snapshot = null;
        }
        if (snapshot is null)
        {
            var errors = 0;
            foreach (var problem in diagnostics.Items)
            {
                _logger.LogError("Reload refused: {Problem}", problem.ToString());
                errors += problem.Severity == DiagnosticSeverity.Error ? 1 : 0;
            }
            _logger.LogError("Reload refused with {Count} problem(s); the running config stays in place.", errors);
            return ReloadOutcome.Failed;
        }
        foreach (var warning in snapshot.Diagnostics)
        {
            _logger.LogWarning("{Warning}", warning.ToString());
        }
        var loaded = StartSettings.Of(snapshot.Config);
        if (_startedWith.ServerChanges(loaded) is { Count: > 0 } changed)
        {
            _logger.LogWarning("server: {Keys} changed, but apply only at start: the running values stay until Tollgate is restarted.",
                string.Join(", ", changed));
        }
        if (_startedWith.TelemetryChanged(loaded))
        {
            _logger.LogWarning("telemetry changed, but applies only at start: spans and metrics go where they went until Tollgate is restarted.");
        }
        _holder.Swap(snapshot);
        if (!wasOpen && _services.Usage.DatabasePath is { } database)
        {
            _logger.LogInformation("Usage is recorded in {Database}.", database);
        }
        if (snapshot.Usage is { } usage)
        {
            try
            {
                _services.Usage.RecordPlanStarts(usage.PlansById.Values);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                _logger.LogError("Recording the start day of usage plans failed; it is tried again at the next reload: {Message}", e.Message);
            }
        }
        _logger.LogInformation("Config reloaded: {Apis} API(s); {Compiled} deployment(s) compiled, {Reused} unchanged.",
            snapshot.Config.Apis.Length, snapshot.Deployments?.Compiled ?? 0, snapshot.Deployments?.Reused ?? 0);
        return ReloadOutcome.Swapped;
    }

    private static bool HasErrors(IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose()
    {
        _source.Changed -= OnChanged;
        _timer.Dispose();
    }
}
