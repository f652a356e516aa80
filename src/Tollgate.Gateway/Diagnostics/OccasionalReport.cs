namespace Tollgate.Gateway.Diagnostics;

/// <summary>
/// Counts occurrences of something worth a log line (a refused request, a throttled call, a full
/// connection limit) and says when a line is due: at most one per <c>interval</c>, carrying the
/// count since the last one, so that a flood of them is not also a flood of log lines.
/// </summary>
internal sealed class OccasionalReport(TimeSpan interval)
{
    private long _last = long.MinValue;
    private int _since;

    /// <summary>Counts one occurrence.</summary>
    public void Add() => Interlocked.Increment(ref _since);

    /// <summary>The occurrences since the last report when a report is due now (and it is taken); else 0.</summary>
    public int TakeIfDue(TimeProvider time)
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _last);
        if (last != long.MinValue && time.GetElapsedTime(last, now) < interval)
        {
            return 0;
        }
        return Interlocked.CompareExchange(ref _last, now, last) == last ? Interlocked.Exchange(ref _since, 0) : 0;
    }
}
