using System.Collections.Concurrent;
using Tollgate.Gateway.Model;

namespace Tollgate.Gateway.Storage;

/// <summary>
/// The embedded <see cref="ICounterStore"/>: buckets and quota counters in this process, daily
/// counts written to an <see cref="IUsageStore"/> by one background loop.
/// </summary>
/// <remarks>
/// <para>
/// Cheap at 100,000 keys: buckets and counters are made on first use, there is no timer per key,
/// and one sweep (every <c>sweepInterval</c>) drops buckets that are full (a full bucket carries
/// no state) and quota counters of past periods with nothing left to write. So memory follows the
/// keys active recently, not every key ever seen.
/// </para>
/// <para>
/// Counts reach the usage store at least every <c>flushInterval</c> (default 1 s) and on
/// <see cref="Dispose"/>; a crash loses at most the last interval. A quota counter first used
/// after a start-up reads its period's usage back from the store, so a restart does not reset quotas.
/// </para>
/// </remarks>
internal sealed class InProcessCounterStore : ICounterStore
{
    private readonly TimeProvider _time;
    // Set at most once, when a config first needs the database (UsageServices.OpenStore).
    private volatile IUsageStore? _durable;
    private readonly ConcurrentDictionary<BucketKey, TokenBucket> _buckets = new();
    private readonly ConcurrentDictionary<QuotaKey, QuotaCounter> _quotas = new();
    private readonly Lock _flushGate = new();
    private readonly ITimer _timer;
    private readonly long _sweepEveryTicks;
    private readonly Action<Exception>? _flushFailed;
    private long _ticks;
    private List<DailyUsage>? _unwritten;
    private bool _disposed;

    public InProcessCounterStore(TimeProvider time, IUsageStore? durable = null, TimeSpan? flushInterval = null,
        TimeSpan? sweepInterval = null, Action<Exception>? flushFailed = null)
    {
        _time = time;
        _durable = durable;
        _flushFailed = flushFailed;
        var flush = flushInterval ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(flush, TimeSpan.Zero, nameof(flushInterval));
        _sweepEveryTicks = Math.Max(1, (long)((sweepInterval ?? TimeSpan.FromMinutes(1)) / flush));
        _timer = time.CreateTimer(static s => ((InProcessCounterStore)s!).OnTick(), this, flush, flush);
    }

    /// <summary>
    /// Gives a store opened after this one was made: counts from then on are written to it, and
    /// quota counters first used from then on read their period's usage from it. Callers attach
    /// it before any snapshot with usage plans serves, so no count is ever made without it.
    /// </summary>
    public void AttachDurable(IUsageStore durable)
    {
        ArgumentNullException.ThrowIfNull(durable);
        if (Interlocked.CompareExchange(ref _durable, durable, null) is not null)
        {
            throw new InvalidOperationException("A usage store is attached already.");
        }
    }

    /// <summary>Buckets in memory now.</summary>
    public int BucketCount => _buckets.Count;

    /// <summary>Quota counters in memory now.</summary>
    public int QuotaCounterCount => _quotas.Count;

    /// <summary>Why the last flush failed (its counts are kept and written by the next one); null after a good flush.</summary>
    public Exception? LastFlushError { get; private set; }

    public ValueTask<int> TryTakeAsync(BucketSpec[] chain, string? keyId)
    {
        var now = _time.GetTimestamp();
        for (var i = 0; i < chain.Length; i++)
        {
            if (!Take(chain[i], keyId, now))
            {
                for (var j = i - 1; j >= 0; j--)
                {
                    Refund(chain[j], keyId);
                }
                return ValueTask.FromResult(i);
            }
        }
        return ValueTask.FromResult(-1);
    }

    public ValueTask RefundAsync(BucketSpec[] chain, string? keyId)
    {
        foreach (var spec in chain)
        {
            Refund(spec, keyId);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<QuotaOutcome> TryConsumeAsync(CompiledPlan plan, string keyId)
    {
        var today = QuotaPeriods.Day(_time.GetUtcNow());
        var key = new QuotaKey(plan.Id, keyId, plan.Quota is null ? -1 : (int)plan.Quota.Period);
        while (true)
        {
            var counter = _quotas.GetOrAdd(key, static k => new QuotaCounter(k));
            lock (counter)
            {
                if (counter.Retired)
                {
                    continue;
                }
                return ValueTask.FromResult(counter.TryConsume(plan, today, _durable));
            }
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        Flush(rethrow: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>Drops full buckets and finished quota counters (run by the background loop; callable by tests).</summary>
    public void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var entry in _buckets)
        {
            if (entry.Value.TryRetireIfFull(now))
            {
                _buckets.TryRemove(entry);
            }
        }
        var today = QuotaPeriods.Day(_time.GetUtcNow());
        foreach (var entry in _quotas)
        {
            var counter = entry.Value;
            lock (counter)
            {
                if (!counter.CanRetire(today))
                {
                    continue;
                }
                counter.Retired = true;
            }
            _quotas.TryRemove(entry);
        }
    }

    public void Dispose()
    {
        lock (_flushGate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        _timer.Dispose();
        Flush(rethrow: true);
    }

    private bool Take(BucketSpec spec, string? keyId, long now)
    {
        var key = new BucketKey(spec, spec.PerKey ? keyId : null);
        while (true)
        {
            var bucket = _buckets.GetOrAdd(key, static (k, self) => self.NewBucket(k.Spec), this);
            switch (bucket.TryTake(now))
            {
                case TakeResult.Taken:
                    return true;
                case TakeResult.Refused:
                    return false;
                default:
                    // Swept between the lookup and the take: the sweep removes it; look again.
                    _buckets.TryRemove(new KeyValuePair<BucketKey, TokenBucket>(key, bucket));
                    break;
            }
        }
    }

    private void Refund(BucketSpec spec, string? keyId)
    {
        if (_buckets.TryGetValue(new BucketKey(spec, spec.PerKey ? keyId : null), out var bucket))
        {
            bucket.Refund();
        }
    }

    private TokenBucket NewBucket(BucketSpec spec) =>
        new(spec.RateLimit, spec.BurstLimit, _time.GetTimestamp(), _time.TimestampFrequency);

    private void OnTick()
    {
        Flush(rethrow: false);
        if (Interlocked.Increment(ref _ticks) % _sweepEveryTicks == 0)
        {
            Sweep();
        }
    }

    private void Flush(bool rethrow)
    {
        if (_durable is not { } durable)
        {
            return;
        }
        lock (_flushGate)
        {
            var batch = _unwritten ?? [];
            _unwritten = null;
            foreach (var counter in _quotas.Values)
            {
                lock (counter)
                {
                    counter.Collect(batch);
                }
            }
            if (batch.Count == 0)
            {
                return;
            }
            try
            {
                durable.Add(batch);
                LastFlushError = null;
            }
#pragma warning disable CA1031 // The background loop must survive a failing disk; the counts are kept for the next flush.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _unwritten = batch;
                var first = LastFlushError is null;
                LastFlushError = e;
                if (rethrow)
                {
                    throw;
                }
                if (first)
                {
                    _flushFailed?.Invoke(e);
                }
            }
        }
    }

    private readonly record struct BucketKey(BucketSpec Spec, string? KeyId);

    private readonly record struct QuotaKey(string PlanId, string KeyId, int Period);

    /// <summary>
    /// One key's count under one plan: the current quota period and today's not yet written requests.
    /// Callers lock the counter itself: a separate lock object would be one more cache miss per
    /// request when 100,000 keys' counters do not fit in the cache.
    /// </summary>
    private sealed class QuotaCounter(QuotaKey key)
    {
        public bool Retired;
        private bool _loaded;
        private DateOnly _periodStart;
        private long _usedInPeriod;
        private DateOnly _day;
        private long _usedToday;
        private long _writtenToday;
        private List<DailyUsage>? _earlierDays;

        public QuotaOutcome TryConsume(CompiledPlan plan, DateOnly today, IUsageStore? durable)
        {
            if (!_loaded)
            {
                _loaded = true;
                _day = today;
                if (plan.Quota is not null)
                {
                    _periodStart = QuotaPeriods.Start(plan.Quota.Period, today);
                    _usedInPeriod = durable?.SumUsed(key.PlanId, key.KeyId, _periodStart, today) ?? 0;
                }
            }
            // A clock stepping back over midnight keeps counting into the later day.
            if (today > _day)
            {
                KeepUnwrittenDay();
                _usedToday = _writtenToday = 0;
                _day = today;
            }
            long? remaining = null;
            if (plan.Quota is { } quota)
            {
                var start = QuotaPeriods.Start(quota.Period, today);
                if (start > _periodStart)
                {
                    _periodStart = start;
                    _usedInPeriod = 0;
                }
                var allowance = QuotaPeriods.Allowance(quota, _periodStart, plan.StartDay);
                if (_usedInPeriod >= allowance)
                {
                    return new QuotaOutcome(false, 0);
                }
                _usedInPeriod++;
                remaining = allowance - _usedInPeriod;
            }
            _usedToday++;
            return new QuotaOutcome(true, remaining);
        }

        public void Collect(List<DailyUsage> batch)
        {
            if (_earlierDays is not null)
            {
                batch.AddRange(_earlierDays);
                _earlierDays = null;
            }
            if (_usedToday > _writtenToday)
            {
                batch.Add(new DailyUsage(key.KeyId, key.PlanId, _day, _usedToday - _writtenToday));
                _writtenToday = _usedToday;
            }
        }

        /// <summary>Nothing left to write, and nothing counted in the current period (a fresh counter would start equal).</summary>
        public bool CanRetire(DateOnly today) =>
            _earlierDays is null && _usedToday == _writtenToday && _day < today &&
            (key.Period < 0 || _periodStart < QuotaPeriods.Start((QuotaPeriod)key.Period, today));

        private void KeepUnwrittenDay()
        {
            if (_usedToday > _writtenToday)
            {
                (_earlierDays ??= []).Add(new DailyUsage(key.KeyId, key.PlanId, _day, _usedToday - _writtenToday));
            }
        }
    }
}
