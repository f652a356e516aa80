using System.Collections.Concurrent;
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
    private readonly SqliteUsageStore? _store;
    private readonly InProcessCounterStore _counters;
    private readonly ConcurrentDictionary<string, DateOnly> _planStarts = new(StringComparer.Ordinal);
    private int _disposed;

    /// <param name="time">The clock of buckets, quota periods and the flush loop.</param>
    /// <param name="dataDirectory">Where <see cref="DatabaseFileName"/> lives (created if needed); null keeps usage in memory only.</param>
    /// <param name="flushInterval">How often counts are written; default 1 s.</param>
    /// <param name="flushFailed">Told when background writes start failing (the counts are kept and retried).</param>
    public UsageServices(TimeProvider time, string? dataDirectory = null, TimeSpan? flushInterval = null,
        Action<Exception>? flushFailed = null)
    {
        _time = time;
        if (dataDirectory is not null)
        {
            DatabasePath = Path.GetFullPath(Path.Combine(dataDirectory, DatabaseFileName));
            _store = new SqliteUsageStore(DatabasePath);
        }
        _counters = new InProcessCounterStore(time, _store, flushInterval, flushFailed: flushFailed);
        Gate = new UsageGate(_counters);
    }

    /// <summary>The SQLite file; null when usage is kept in memory only.</summary>
    public string? DatabasePath { get; }

    public ICounterStore Counters => _counters;

    /// <summary>The durable usage log; null when usage is kept in memory only.</summary>
    public IUsageStore? Store => _store;

    /// <summary>The request-time throttle and quota check.</summary>
    public UsageGate Gate { get; }

    /// <summary>Why the last background write failed; null when it succeeded.</summary>
    public Exception? LastFlushError => _counters.LastFlushError;

    /// <summary>
    /// Why usage cannot be recorded durably now (the database is unreadable or gone, or the last
    /// background write failed); null when it can, or when usage is kept in memory only.
    /// </summary>
    public string? CheckStore(TimeSpan wait)
    {
        if (_store is null)
        {
            return null;
        }
        if (_store.Check(wait) is { } problem)
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
            _store?.Dispose();
        }
    }
}
