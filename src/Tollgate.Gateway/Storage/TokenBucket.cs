namespace Tollgate.Gateway.Storage;

/// <summary>What a take from a <see cref="TokenBucket"/> did.</summary>
internal enum TakeResult
{
    /// <summary>A token was taken: the request is within this limit.</summary>
    Taken,

    /// <summary>The bucket is empty: the request is over this limit.</summary>
    Refused,

    /// <summary>The bucket was dropped by the idle sweep; look it up again (a fresh, full one).</summary>
    Retired,
}

/// <summary>
/// A token bucket: <c>rate</c> tokens a second refill a bucket of <c>burst</c>, which starts full.
/// </summary>
/// <remarks>
/// <para>
/// The whole state is one <see cref="long"/>, the <em>floor</em> F, in fixed-point tokens
/// (1/2^20 of a token): the tokens in the bucket at time t are <c>min(burst, P(t) - F)</c>, where
/// P(t) is the number of tokens the rate has produced since the bucket was made. A take clamps F up
/// to <c>P - burst</c> (a full bucket does not grow) and then adds one token to F, by compare and
/// swap. So N callers racing on one bucket never lose an update: exactly
/// <c>burst + rate * elapsed</c> takes succeed (to within rounding far below one token), with no
/// lock and no allocation.
/// </para>
/// <para>
/// P(t) is computed from the elapsed timestamp ticks with one double multiplication, so its error
/// stays around 1e-16 relative; the fixed-point floor keeps a year of 100,000 requests a second
/// well inside a <see cref="long"/>.
/// </para>
/// </remarks>
internal sealed class TokenBucket
{
    /// <summary>One token in fixed point.</summary>
    internal const long One = 1L << 20;

    private const long RetiredMark = long.MinValue;

    private readonly long _origin;
    private readonly double _unitsPerTick;
    private readonly long _capacity;
    private long _floor;

    /// <summary>Makes a full bucket.</summary>
    /// <param name="rateLimit">Tokens a second, at least 0.</param>
    /// <param name="burstLimit">Bucket size, at least 0.</param>
    /// <param name="now">The current timestamp (<see cref="TimeProvider.GetTimestamp"/>).</param>
    /// <param name="timestampFrequency">Timestamp ticks a second.</param>
    public TokenBucket(double rateLimit, int burstLimit, long now, long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rateLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(burstLimit);
        _origin = now;
        _unitsPerTick = rateLimit * One / timestampFrequency;
        _capacity = burstLimit * One;
        _floor = -_capacity;
    }

    /// <summary>Takes one token if there is one.</summary>
    /// <param name="now">The current timestamp; a caller holding an older one is only ever refused more, never admitted more.</param>
    public TakeResult TryTake(long now)
    {
        var produced = Produced(now);
        var seen = Volatile.Read(ref _floor);
        while (true)
        {
            if (seen == RetiredMark)
            {
                return TakeResult.Retired;
            }
            var floor = Math.Max(seen, produced - _capacity);
            if (produced - floor < One)
            {
                return TakeResult.Refused;
            }
            var previous = Interlocked.CompareExchange(ref _floor, floor + One, seen);
            if (previous == seen)
            {
                return TakeResult.Taken;
            }
            seen = previous;
        }
    }

    /// <summary>Gives back a token taken by <see cref="TryTake"/> (when a later limit refused the request).</summary>
    public void Refund()
    {
        var seen = Volatile.Read(ref _floor);
        while (seen != RetiredMark)
        {
            var previous = Interlocked.CompareExchange(ref _floor, seen - One, seen);
            if (previous == seen)
            {
                return;
            }
            seen = previous;
        }
    }

    /// <summary>
    /// Marks the bucket retired if it is full at <paramref name="now"/>: a full bucket holds no
    /// information, so dropping it and making a fresh one later changes nothing. Takes racing with
    /// this see <see cref="TakeResult.Retired"/> and look the bucket up again.
    /// </summary>
    /// <returns>True if the bucket was retired and can be removed.</returns>
    public bool TryRetireIfFull(long now)
    {
        var produced = Produced(now);
        var seen = Volatile.Read(ref _floor);
        return seen != RetiredMark
            && produced - seen >= _capacity
            && Interlocked.CompareExchange(ref _floor, RetiredMark, seen) == seen;
    }

    /// <summary>Tokens in the bucket at <paramref name="now"/> (for diagnostics and tests); 0 once retired.</summary>
    public double Available(long now)
    {
        var seen = Volatile.Read(ref _floor);
        return seen == RetiredMark ? 0 : Math.Min(_capacity, Produced(now) - seen) / (double)One;
    }

    private long Produced(long now) =>
        now <= _origin ? 0 : (long)Math.Round((now - _origin) * _unitsPerTick);
}
