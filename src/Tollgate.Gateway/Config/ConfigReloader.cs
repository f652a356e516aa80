using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Tollgate.Gateway.Pipeline;

using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Config;

/// <summary>What a config source produced: the model (null on errors), every problem, and the files it read.</summary>
internal sealed record ConfigLoad(Model.GatewayConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics, IReadOnlyList<string> SourceFiles)
{
    /// <summary>
    /// The digest of the bytes this load parsed (<see cref="SourceDigest"/>). Null for a source
    /// that does not give one: then the files are read again to fingerprint them.
    /// </summary>
    public string? Fingerprint { get; init; }
}

/// <summary>The outcome of one reload.</summary>
internal enum ReloadOutcome
{
    Swapped,
    Unchanged,
    Failed,
}

/// <summary>
/// Watches the config file and every definition it references; on a change (debounced, so an
/// editor's several writes make one reload) loads, compiles and swaps the snapshot. A change that
/// does not load or compile keeps the last good snapshot and logs every problem. Sources whose
/// bytes did not change are not recompiled.
/// </summary>
internal sealed class ConfigReloader : IDisposable
{
    private readonly Func<ConfigLoad> _source;
    private readonly SnapshotHolder _holder;
    private readonly GatewayServices _services;
    private readonly ILogger _logger;
    private readonly TimeSpan _debounce;
    private readonly ITimer _timer;
    private readonly object _gate = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private HashSet<string> _watched = new(StringComparer.Ordinal);
    // The server settings the process started with: listeners and limits are set up once.
    private readonly ServerSettings _startedWith;
    private readonly TelemetrySettings _telemetryStartedWith;

    public ConfigReloader(Func<ConfigLoad> source, SnapshotHolder holder, GatewayServices services, TimeSpan debounce)
    {
        _source = source;
        _holder = holder;
        _services = services;
        _debounce = debounce;
        _logger = services.LoggerFactory.CreateLogger("Tollgate.Config");
        _startedWith = holder.Current.Config.Server;
        _telemetryStartedWith = holder.Current.Config.Telemetry;
        _timer = services.Time.CreateTimer(_ => ReloadNow(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised after every reload attempt, with its outcome.</summary>
    public event Action<ReloadOutcome>? Reloaded;

    /// <summary>Loads and compiles the first snapshot. Null, with every problem logged, when the config is invalid.</summary>
    public static GatewaySnapshot? LoadInitial(Func<ConfigLoad> source, GatewayServices services, out ConfigLoad load)
    {
        load = source();
        var diagnostics = new DiagnosticBag();
        diagnostics.AddRange(load.Diagnostics);
        if (load.Config is null || diagnostics.HasErrors)
        {
            return null;
        }
        var snapshot = SnapshotCompiler.Compile(load.Config, services, diagnostics, load.Fingerprint ?? Fingerprint(load.SourceFiles));
        load = load with { Diagnostics = diagnostics.Items };
        if (snapshot?.Usage is { } usage)
        {
            services.Usage.RecordPlanStarts(usage.PlansById.Values);
        }
        return snapshot;
    }

    public void Watch(IReadOnlyList<string> files)
    {
        lock (_gate)
        {
            var wanted = new HashSet<string>(files.Select(Path.GetFullPath), StringComparer.Ordinal);
            if (wanted.SetEquals(_watched))
            {
                return;
            }
            foreach (var watcher in _watchers)
            {
                watcher.Dispose();
            }
            _watchers.Clear();
            _watched = wanted;
            foreach (var directory in wanted.Select(Path.GetDirectoryName).Distinct())
            {
                if (directory is null || !Directory.Exists(directory))
                {
                    continue;
                }
                // Watch the directory, not the file: editors replace files by renaming over them.
                var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
                watcher.Changed += OnChange;
                watcher.Created += OnChange;
                watcher.Renamed += OnChange;
                watcher.Deleted += OnChange;
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        var relevant = _watched.Contains(e.FullPath) || (e is RenamedEventArgs r && _watched.Contains(r.OldFullPath));
        if (relevant)
        {
            _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
    }

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
            load = _source();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("Reload failed, keeping the running config: {Message}", e.Message);
            return ReloadOutcome.Failed;
        }
        var fingerprint = load.Fingerprint ?? Fingerprint(load.SourceFiles);
        if (load.Config is not null && fingerprint.Length > 0 && fingerprint == _holder.Current.Fingerprint)
        {
            return ReloadOutcome.Unchanged;
        }
        var diagnostics = new DiagnosticBag();
        diagnostics.AddRange(load.Diagnostics);
        var snapshot = load.Config is null || diagnostics.HasErrors
            ? null
            : SnapshotCompiler.Compile(load.Config, _services, diagnostics, fingerprint, _holder.Current);
        if (snapshot is null)
        {
            foreach (var problem in diagnostics.Items)
            {
                _logger.LogError("Reload refused: {Problem}", problem.ToString());
            }
            _logger.LogError("Reload refused with {Count} problem(s); the running config stays in place.",
                diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error));
            Watch(load.SourceFiles.Count > 0 ? [.. _watched.Union(load.SourceFiles)] : [.. _watched]);
            return ReloadOutcome.Failed;
        }
        foreach (var warning in snapshot.Diagnostics)
        {
            _logger.LogWarning("{Warning}", warning.ToString());
        }
        if (StartOnlyChanges(_startedWith, snapshot.Config.Server) is { Count: > 0 } changed)
        {
            _logger.LogWarning("server: {Keys} changed, but apply only at start: the running values stay until Tollgate is restarted.",
                string.Join(", ", changed));
        }
        if (snapshot.Config.Telemetry != _telemetryStartedWith)
        {
            _logger.LogWarning("telemetry changed, but applies only at start: spans and metrics go where they went until Tollgate is restarted.");
        }
        _holder.Swap(snapshot);
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
        Watch(load.SourceFiles);
        _logger.LogInformation("Config reloaded: {Apis} API(s); {Compiled} deployment(s) compiled, {Reused} unchanged.",
            snapshot.Config.Apis.Length, snapshot.Deployments?.Compiled ?? 0, snapshot.Deployments?.Reused ?? 0);
        return ReloadOutcome.Swapped;
    }

    /// <summary>The server settings that differ from those the process started with and that a reload cannot apply.</summary>
    internal static List<string> StartOnlyChanges(ServerSettings running, ServerSettings loaded)
    {
        var changed = new List<string>();
        if (!running.Listen.SequenceEqual(loaded.Listen, StringComparer.Ordinal))
        {
            changed.Add("listen");
        }
        if (!string.Equals(running.AdminListen, loaded.AdminListen, StringComparison.Ordinal))
        {
            changed.Add("adminListen");
        }
        if (running.DrainTimeout != loaded.DrainTimeout)
        {
            changed.Add("drainTimeoutSeconds");
        }
        if (running.KeepAliveTimeout != loaded.KeepAliveTimeout)
        {
            changed.Add("keepAliveTimeoutSeconds");
        }
        if (running.MaxConnections != loaded.MaxConnections)
        {
            changed.Add("maxConnections");
        }
        if (running.MaxUpgradedConnections != loaded.MaxUpgradedConnections)
        {
            changed.Add("maxUpgradedConnections");
        }
        if (running.MaxConcurrentRequestsPerBackend != loaded.MaxConcurrentRequestsPerBackend)
        {
            changed.Add("maxConcurrentRequestsPerBackend");
        }
        return changed;
    }

    internal static string Fingerprint(IReadOnlyList<string> files)
    {
        if (files.Count == 0)
        {
            return "";
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file + "\0"));
            try
            {
                hash.AppendData(File.ReadAllBytes(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                hash.AppendData("\0missing\0"u8);
            }
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Dispose();
            }
            _watchers.Clear();
        }
    }
}
