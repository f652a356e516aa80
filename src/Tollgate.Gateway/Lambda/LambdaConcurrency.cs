using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Tollgate.Gateway.Lambda;

/// <summary>The concurrency limits of one function: places in flight, places in the queue, the longest wait in it.</summary>
internal readonly record struct LambdaLimits(int MaxConcurrency, int MaxQueued, TimeSpan QueueTimeout);

/// <summary>A place in flight for one invocation; disposing it hands the place to the next waiter.</summary>
internal readonly struct LambdaSlot : IDisposable
{
    private readonly LambdaConcurrency.Limiter? _limiter;
    private readonly RateLimitLease? _lease;

    internal LambdaSlot(LambdaConcurrency.Limiter limiter, RateLimitLease lease)
    {
        _limiter = limiter;
        _lease = lease;
    }

    public void Dispose()
    {
        _lease?.Dispose();
        _limiter?.Leave();
    }
}

/// <summary>
/// One concurrency limit per function, so that a function that is slow or flooded (an authorizer
/// fed random tokens, say) holds up its own callers only. A function has
/// <see cref="LambdaLimits.MaxConcurrency"/> places in flight and a queue of
/// <see cref="LambdaLimits.MaxQueued"/> callers that wait for one, oldest first, at most
/// <see cref="LambdaLimits.QueueTimeout"/>; a caller that finds the queue full, or waits too long,
/// is refused at once. The places themselves are .NET's <see cref="ConcurrencyLimiter"/>.
/// </summary>
/// <remarks>
/// <para>
/// Long-lived, like the client that owns it: the limits of a function come from the config in use
/// at each call. When a reload changes them, calls from then on use a new limiter with the new
/// limits; calls already admitted (or queued) under the old one finish under it.
/// </para>
/// <para>
/// Bounded: function names come from the config (integration and authorizer URIs, completed by
/// stage variables), never from a request, but a long run of reloads could still name many. At
/// <c>maxFunctions</c> limiters, the idle ones (nobody in flight or waiting) are dropped before a
/// new one is made; if none is idle, the call is refused like a full queue. A limiter is dropped
/// only while nobody uses it, and a caller never uses a dropped one, so no function ever has two
/// limiters counting at once (except across a change of limits, above).
/// </para>
/// </remarks>
internal sealed class LambdaConcurrency(TimeProvider time, int maxFunctions = LambdaConcurrency.DefaultMaxFunctions) : IDisposable
{
    /// <summary>How many functions have a limiter at most, by default.</summary>
    public const int DefaultMaxFunctions = 10_000;

    private readonly ConcurrentDictionary<string, Limiter> _limiters = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Functions with a limiter now.</summary>
    public int FunctionCount => _limiters.Count;

    /// <summary>
    /// Takes a place for one invocation of <paramref name="function"/>, waiting in its queue when
    /// all are taken. Refused (with the reason) when the queue is full or the wait runs out; throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> ends the wait.
    /// </summary>
    public async ValueTask<(LambdaSlot Slot, string? Refusal)> EnterAsync(string function, LambdaLimits limits, CancellationToken cancellationToken)
    {
        var limiter = Join(function, limits);
        if (limiter is null)
        {
            return (default, $"'{function}' is refused: {maxFunctions} other functions are busy");
        }
        var admitted = false;
        try
        {
            var lease = limiter.Permits.AttemptAcquire();
            if (!lease.IsAcquired && limits.MaxQueued > 0)
            {
                lease.Dispose();
                using var wait = new CancellationTokenSource(limits.QueueTimeout, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wait.Token);
                try
                {
                    lease = await limiter.Permits.AcquireAsync(1, linked.Token);
                }
                catch (OperationCanceledException) when (wait.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return (default, $"'{function}' has {limits.MaxConcurrency} invocation(s) in flight and none ended within the queue timeout of {limits.QueueTimeout.TotalMilliseconds} ms");
                }
            }
            if (!lease.IsAcquired)
            {
                lease.Dispose();
                return (default, $"'{function}' has {limits.MaxConcurrency} invocation(s) in flight and {limits.MaxQueued} waiting");
            }
            admitted = true;
            return (new LambdaSlot(limiter, lease), null);
        }
        finally
        {
            if (!admitted)
            {
                limiter.Leave();
            }
        }
    }

    /// <summary>Invocations of a function in flight and waiting now (zeros when it has no limiter).</summary>
    public (int InFlight, int Queued) Statistics(string function)
    {
        if (!_limiters.TryGetValue(function, out var limiter) || limiter.Permits.GetStatistics() is not { } statistics)
        {
            return (0, 0);
        }
        return ((int)(limiter.Limits.MaxConcurrency - statistics.CurrentAvailablePermits), (int)statistics.CurrentQueuedCount);
    }

    /// <summary>The function's limiter with these limits, counted as in use; null when there is no room for another.</summary>
    private Limiter? Join(string function, LambdaLimits limits)
    {
        if (_limiters.TryGetValue(function, out var limiter) && limiter.Limits == limits && limiter.TryJoin())
        {
            return limiter;
        }
        // A new function, new limits, or a limiter dropped between the lookup and now. Limiters are
        // retired and removed only under this lock, so the one found here is never retired.
        lock (_gate)
        {
            if (_limiters.TryGetValue(function, out var current))
            {
                if (current.Limits == limits && current.TryJoin())
                {
                    return current;
                }
                // The limits changed: callers admitted under the old limiter finish under it.
                if (current.TryRetire())
                {
                    current.Permits.Dispose();
                }
            }
            else if (_limiters.Count >= maxFunctions)
            {
                Sweep();
                if (_limiters.Count >= maxFunctions)
                {
                    return null;
                }
            }
            var fresh = new Limiter(limits);
            fresh.TryJoin();
            _limiters[function] = fresh;
            return fresh;
        }
    }

    private void Sweep()
    {
        foreach (var (function, limiter) in _limiters)
        {
            if (limiter.TryRetire())
            {
                _limiters.TryRemove(KeyValuePair.Create(function, limiter));
                limiter.Permits.Dispose();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var limiter in _limiters.Values)
            {
                limiter.Permits.Dispose();
            }
            _limiters.Clear();
        }
    }

    /// <summary>The places of one function, and how many callers hold or wait for one.</summary>
    internal sealed class Limiter(LambdaLimits limits)
    {
        private const int Retired = int.MinValue;
        private int _users;

        public LambdaLimits Limits { get; } = limits;

        public ConcurrencyLimiter Permits { get; } = new(new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.MaxConcurrency,
            QueueLimit = limits.MaxQueued,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

        /// <summary>Counts one more caller; false once the limiter has been retired.</summary>
        public bool TryJoin()
        {
            var users = Volatile.Read(ref _users);
            while (users >= 0)
            {
                var seen = Interlocked.CompareExchange(ref _users, users + 1, users);
                if (seen == users)
                {
                    return true;
                }
                users = seen;
            }
            return false;
        }

        public void Leave() => Interlocked.Decrement(ref _users);

        /// <summary>Retires the limiter if nobody holds or waits for a place; no caller joins it after.</summary>
        public bool TryRetire() => Interlocked.CompareExchange(ref _users, Retired, 0) == 0;
    }
}
