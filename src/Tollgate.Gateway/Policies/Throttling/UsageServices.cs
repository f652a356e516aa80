using System.Collections.Concurrent;
using Tollgate.Gateway.Pipeline;
using Tollgate.Gateway.Storage;

namespace Tollgate.Gateway.Policies.Throttling;

/// <summary>
/// The long-lived state of usage plans: throttle buckets, quota counters, the durable usage store
/// and its flush loop. Shared by every snapshot (a reload keeps buckets, counts and the database);
/// disposing it writes the counts not yet durable, so a graceful shutdown loses nothing.
/// </summary>
internal sealed class UsageServices : IDisposable
{
    /// <summary>The database file in the data directory.</summary>
    public const string DatabaseFileName = "tollgate.db";

    private readonly TimeProvider _time;
    private readonly Func<string>? _dataDirectory;
    private readonly Lock _openGate = new();
    private volatile SqliteUsageStore? _store;
    private readonly InProcessCounterStore _counters;
    private readonly ConcurrentDictionary<string, DateOnly> _planStarts = new(StringComparer.Ordinal);
    private int _disposed;

    /// <param name="time">The clock of buckets, quota periods and the flush loop.</param>
    /// <param name="dataDirectory">Where <see cref="DatabaseFileName"/> lives (created if needed); null keeps usage in memory only.</param>
    /// <param name="flushInterval">How often counts are written; default 1 s.</param>
    /// <param name="flushFailed">Told when background writes start failing (the counts are kept and retried).</param>
    public UsageServices(TimeProvider time, string? dataDirectory = null, TimeSpan? flushInterval = null,
        Action<Exception>? flushFailed = null)
        : this(time, dataDirectory is null ? null : () => dataDirectory, flushInterval, flushFailed)
    {
    }

    /// <param name="time">The clock of buckets, quota periods and the flush loop.</param>
    /// <param name="dataDirectory">
    /// Chooses where <see cref="DatabaseFileName"/> lives, called once, when a config first needs
    /// the database (<see cref="OpenStore"/>): choosing may probe the file system, which a config
    /// without usage plans must not cause. Null keeps usage in memory only.
    /// </param>
    /// <param name="flushInterval">How often counts are written; default 1 s.</param>
    /// <param name="flushFailed">Told when background writes start failing (the counts are kept and retried).</param>
    public UsageServices(TimeProvider time, Func<string>? dataDirectory, TimeSpan? flushInterval = null,
        Action<Exception>? flushFailed = null)
    {
        _time = time;
        _dataDirectory = dataDirectory;
        _counters = new InProcessCounterStore(time, null, flushInterval, flushFailed: flushFailed);
        Gate = new UsageGate(_counters);
    }

    /// <summary>Whether usage is meant to be kept in a database (a data directory was given); the database opens when first needed.</summary>
    public bool Durable => _dataDirectory is not null;

    /// <summary>The SQLite file; null until it is opened, and always when usage is kept in memory only.</summary>
    public string? DatabasePath { get; private set; }

    /// <summary>
    /// Whether a config needs the usage database: it has usage plans (whose daily counts and
    /// first days the database keeps) or API keys (which plans count by). A config with neither
    /// writes nothing, so it does not open, or even choose, a data directory.
    /// </summary>
    public static bool Needs(Model.GatewayConfig config) => config.UsagePlans.Length > 0 || config.ApiKeys.Length > 0;

    /// <summary>
    /// Opens the database (creating its directory, file and tables) if usage is durable and it is
    /// not open yet; safe to call from any thread, and again. True when this call opened it.
    /// Throws <see cref="UsageDatabaseException"/>, naming the reason, when it cannot be opened;
    /// a later call tries again.
    /// </summary>
    public bool OpenStore()
    {
        if (_store is not null || _dataDirectory is null)
        {
            return false;
        }
        lock (_openGate)
        {
            if (_store is not null || Volatile.Read(ref _disposed) != 0)
            {
                return false;
            }
            var directory = Path.GetFullPath(_dataDirectory());
            var path = Path.Combine(directory, DatabaseFileName);
            SqliteUsageStore store;
            try
            {
                store = new SqliteUsageStore(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The directory could not be made; SQLite's own errors name the file already.
                throw new UsageDatabaseException($"cannot make the data directory '{directory}': {e.Message}", e);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                throw new UsageDatabaseException(e.Message, e);
            }
            DatabasePath = path;
            _counters.AttachDurable(store);
            _store = store;
            return true;
        }
    }

    public ICounterStore Counters => _counters;

    /// <summary>The durable usage log; null until a config needs it (<see cref="OpenStore"/>), and when usage is kept in memory only.</summary>
    public IUsageStore? Store => _store;

    /// <summary>The request-time throttle and quota check.</summary>
    public UsageGate Gate { get; }

    /// <summary>Why the last background write failed; null when it succeeded.</summary>
    public Exception? LastFlushError => _counters.LastFlushError;

    /// <summary>
    /// Why usage cannot be recorded durably now (the database is unreadable or gone, or the last
    /// background write failed); null when it can, when usage is kept in memory only, and while no
    /// config has needed the database (nothing is recorded, so nothing can be lost).
    /// </summary>
    public string? CheckStore(TimeSpan wait)
    {
        if (_store is not { } store)
        {
            return null;
        }
        if (store.Check(wait) is { } problem)
        {
            return problem;
        }
        return LastFlushError is { } error ? $"the last write of usage failed: {error.Message}" : null;
    }

    /// <summary>
    /// The day a plan was first served (its quota offset applies to the period containing it), as
    /// known now: recorded, else today. Only reads: compiling a config (which may yet be refused)
    /// writes nothing; <see cref="RecordPlanStarts"/> records the days once a snapshot serves.
    /// </summary>
    public DateOnly PlanStartDay(string planId)
    {
        if (_planStarts.TryGetValue(planId, out var known))
        {
            return known;
        }
        return _store?.FindPlanStart(planId) ?? QuotaPeriods.Day(_time.GetUtcNow());
    }

    /// <summary>
    /// Records the start day of each plan of a snapshot that now serves (on first sight, in the
    /// database, so that it survives restarts); a day already recorded stays.
    /// </summary>
    public void RecordPlanStarts(IEnumerable<CompiledPlan> plans)
    {
        foreach (var plan in plans)
        {
            _planStarts.GetOrAdd(plan.Id, static (id, s) => s.Store?.GetOrAddPlanStart(id, s.Day) ?? s.Day, (Store: _store, Day: plan.StartDay));
        }
    }

    /// <summary>Writes the counts not yet durable.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => _counters.FlushAsync(cancellationToken);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            _counters.Dispose();
        }
        finally
        {
            lock (_openGate)
            {
                _store?.Dispose();
            }
        }
    }
}

/// <summary>The usage services among the gateway's shared services.</summary>
internal static class UsageServicesSlot
{
    extension(GatewayServices services)
    {
        /// <summary>Throttle buckets, quota counters and the usage store. Default: in memory only (the server sets the durable one).</summary>
        public UsageServices Usage => services.Features.GetOrAdd(services.Time, static time => new UsageServices(time));
    }

    /// <summary>Gives <paramref name="services"/> its usage services (before anything reads them).</summary>
    public static GatewayServices WithUsage(this GatewayServices services, UsageServices usage)
    {
        services.Features.Set(usage);
        return services;
    }
}
